using System.Diagnostics;
using System.Globalization;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Compare;

/// <summary>
/// <c>hub-load</c>: one <c>irmin serve</c> process and a fleet of devices that clone it, push one
/// counter increment each (fetch-merge-retry on a conflict) and then hold connections open at once.
/// See <see cref="HubLoadOptions.Usage"/>.
/// </summary>
internal static class HubLoadScenario
{
    public const string Name = "hub-load";

    private const int HubListenSlack = 64;

    /// <summary>Runs the scenario from the command line; the process's exit status.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        HubLoadOptions options;
        IrminCommand irmin;
        try
        {
            options = HubLoadOptions.Parse(args);
            if (options.Help)
            {
                Console.WriteLine(HubLoadOptions.Usage);
                return 0;
            }

            irmin = IrminCommand.Find(options.Irmin);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine(HubLoadOptions.Usage);
            return 2;
        }

        var directory = options.Directory ?? Directory.CreateTempSubdirectory("irmin-hub-load-").FullName;
        try
        {
            return RunAsync(options, irmin, directory).GetAwaiter().GetResult();
        }
        finally
        {
            if (options.Directory is null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(HubLoadOptions options, IrminCommand irmin, string directory)
    {
        var output = Console.Out;
        Directory.CreateDirectory(directory);
        var ids = Directory.CreateDirectory(Path.Combine(directory, "ids")).FullName;
        var clock = Stopwatch.StartNew();
        using var hubIdentity = SyncIdentity.LoadOrCreate(Path.Combine(ids, "hub.p12"));
        using var seederIdentity = SyncIdentity.LoadOrCreate(Path.Combine(ids, "seeder.p12"));
        var deviceIdentities = Enumerable.Range(0, options.Devices).Select(i => SyncIdentity.LoadOrCreate(Path.Combine(ids, $"device{i}.p12"))).ToList();
        var cliIdentities = Enumerable.Range(0, options.CliDevices).Select(i => Path.Combine(ids, $"cli{i}.p12")).ToList();
        var allowed = new List<string> { seederIdentity.Fingerprint };
        allowed.AddRange(deviceIdentities.Select(i => i.Fingerprint));
        foreach (var path in cliIdentities)
        {
            using var id = SyncIdentity.LoadOrCreate(path);
            allowed.Add(id.Fingerprint);
        }

        output.WriteLine($"hub-load: {options.Devices} in-process devices + {options.CliDevices} irmin processes, {options.Concurrency} at a time, from {(options.Addresses <= 1 ? "127.0.0.1" : options.Addresses + " addresses 127.1.x.y")}; hub of {options.Keys} keys; irmin = {irmin.Path}");
        output.WriteLine($"identities: {allowed.Count + 1} made in {clock.Elapsed.TotalSeconds:0.0} s");

        var hubStore = Directory.CreateDirectory(Path.Combine(directory, "hub")).FullName;
        var init = await irmin.RunAsync(hubStore, "init", "--contents", "counter");
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException("irmin init failed: " + init.Error);
        }

        string[] serveArgs =
        [
            "--listen", "127.0.0.1:0", "--identity", Path.Combine(ids, "hub.p12"),
            "--max-connections", (options.Devices + options.CliDevices + HubListenSlack).ToString(CultureInfo.InvariantCulture),
            "--metrics", "127.0.0.1:0",
            .. allowed.SelectMany(f => new[] { "--allow", f }),
        ];
        await using var hub = HubProcess.Start(irmin, hubStore, serveArgs);
        var url = RemoteUrl.Parse(hub.Url);
        output.WriteLine($"hub: {hub.Url}, metrics {hub.Metrics}; {Mb(hub.Memory().Rss)} MB resident at start");

        // The hub's contents, pushed once (untimed): M keys and the counter at 0.
        var start = await SeedAsync(options, url, seederIdentity, hubIdentity.Fingerprint);
        output.WriteLine($"seeded: {options.Keys} keys, {DeviceFleet.CounterKey} = {start}; hub {Mb(hub.Memory().Rss)} MB resident");

        using var fleet = new DeviceFleet(options, deviceIdentities, hubIdentity.Fingerprint, url);
        if (options.HoldOnly)
        {
            var (onlyHeld, onlyFailures, rss, peak) = await HoldAsync(output, fleet, hub, options);
            await PrintMetricsAsync(output, hub);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"RESULT scenario={Name} devices={options.Devices} clones_per_s=none clone_p50_ms=none clone_p99_ms=none push_p50_ms=none push_p99_ms=none failures={onlyFailures} conflicts=none held={onlyHeld} rss_held_mb={Mb(rss)} rss_peak_mb={Mb(peak)}"));
            return onlyFailures == 0 ? 0 : 1;
        }

        var cliDevices = cliIdentities.Select((path, i) => new CliDevice(irmin, directory, $"cli{i}", path)).ToList();

        // 1. Clones.
        var cliFailures = new FailureTally();
        var cliClones = Task.WhenAll(cliDevices.Select(d => d.CloneAsync(hub.Url, hubIdentity.Fingerprint, cliFailures)));
        var (cloneTimes, cloneFailures, cloneWall) = await fleet.CloneAllAsync();
        await cliClones;
        var clonesPerSecond = cloneTimes.Count / cloneWall.TotalSeconds;
        output.WriteLine($"clones: {cloneTimes.Count} of {options.Devices} in {cloneWall.TotalSeconds:0.0} s = {clonesPerSecond:0.0} clones/s; p50 {Percentile.Of(cloneTimes, 50):0} ms, p99 {Percentile.Of(cloneTimes, 99):0} ms; {cloneFailures.Count} failed; hub {Mb(hub.Memory().Rss)} MB resident");
        PrintFailures(output, cloneFailures);
        var cliCloned = cliDevices.Where(d => d.CloneMilliseconds is not null).ToList();
        output.WriteLine($"irmin clones: {cliCloned.Count} of {options.CliDevices}, {string.Join(", ", cliCloned.Select(d => $"{d.CloneMilliseconds:0} ms"))}");

        // 2. Pushes of one increment each.
        var pushWall = Stopwatch.StartNew();
        var cliPushes = Task.WhenAll(cliCloned.Select(d => d.PushIncrementAsync(cliFailures)));
        var (pushTimes, pushFailures, conflicts, pushed) = await fleet.PushAllAsync();
        await cliPushes;
        var cliPushed = cliCloned.Where(d => d.PushMilliseconds is not null).ToList();
        output.WriteLine($"pushes: {pushed} of {options.Devices} in {pushWall.Elapsed.TotalSeconds:0.0} s; p50 {Percentile.Of(pushTimes, 50):0} ms, p99 {Percentile.Of(pushTimes, 99):0} ms (first attempt to accepted push); {conflicts} conflicts fetched, merged and pushed again; {pushFailures.Count} failed; hub {Mb(hub.Memory().Rss)} MB resident");
        PrintFailures(output, pushFailures);
        output.WriteLine($"irmin pushes: {cliPushed.Count} of {cliCloned.Count}, {string.Join(", ", cliPushed.Select(d => $"{d.PushMilliseconds:0} ms"))}; {cliPushed.Sum(d => d.Conflicts)} conflicts; {cliFailures.Count} irmin steps failed");
        PrintFailures(output, cliFailures);

        // 3. Connections held at once.
        var (held, holdFailures, heldRss, peakRss) = options.Hold ? await HoldAsync(output, fleet, hub, options) : (0, 0, 0L, 0L);

        peakRss = hub.Memory().Peak;
        var final = await ReadCounterAsync(url, seederIdentity, hubIdentity.Fingerprint);
        var expected = start + options.Devices + options.CliDevices;
        var accepted = pushed + cliPushed.Count;
        await PrintMetricsAsync(output, hub);

        output.WriteLine($"counter: {final}, expected {expected} (start {start} + {options.Devices + options.CliDevices} devices; {accepted} pushes accepted); hub peak VmHWM {Mb(peakRss)} MB; {hub.LogLines} hub log lines");
        var failures = cloneFailures.Count + pushFailures.Count + cliFailures.Count + holdFailures;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RESULT scenario={Name} devices={options.Devices + options.CliDevices} clones_per_s={clonesPerSecond:0.0} clone_p50_ms={Percentile.Of(cloneTimes, 50):0} clone_p99_ms={Percentile.Of(cloneTimes, 99):0} push_p50_ms={Percentile.Of(pushTimes, 50):0} push_p99_ms={Percentile.Of(pushTimes, 99):0} failures={failures} conflicts={conflicts + cliPushed.Sum(d => d.Conflicts)} held={held} rss_held_mb={Mb(heldRss)} rss_peak_mb={Mb(peakRss)}"));
        if (final != start + accepted)
        {
            Console.Error.WriteLine($"FAILED: the counter is {final}, but {accepted} increments were accepted from {start}: increments were lost or counted twice");
            return 1;
        }

        if (final != expected)
        {
            Console.Error.WriteLine($"FAILED: the counter is {final}, not {expected}: {expected - final} device(s) did not get their increment in ({failures} failures above)");
            return 1;
        }

        return 0;
    }

    /// <summary>Phase 3: N connections open at once; how many opened, the failures, the hub's VmRSS then and its VmHWM.</summary>
    private static async Task<(int Held, int Failures, long Rss, long Peak)> HoldAsync(TextWriter output, DeviceFleet fleet, HubProcess hub, HubLoadOptions options)
    {
        long rss = 0, peak = 0;
        var (held, failures, opening) = await fleet.HoldAllAsync(async open =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // the last handshakes' buffers settle
            (rss, peak) = hub.Memory();
            output.WriteLine($"hold: {open} connections open at once; hub VmRSS {Mb(rss)} MB, VmHWM {Mb(peak)} MB");
        });
        output.WriteLine($"hold: {held} of {options.Devices} opened in {opening.TotalSeconds:0.0} s; {failures.Count} failed");
        PrintFailures(output, failures);
        return (held, failures.Count, rss, hub.Memory().Peak);
    }

    private static async Task PrintMetricsAsync(TextWriter output, HubProcess hub)
    {
        foreach (var line in await hub.SyncMetricsAsync())
        {
            output.WriteLine("  hub metric " + line);
        }
    }

    /// <summary>Pushes M keys and the counter at 0 to the hub's main (forced: it replaces what init made); the counter's value.</summary>
    private static async Task<long> SeedAsync(HubLoadOptions options, RemoteUrl url, SyncIdentity seeder, string hubFingerprint)
    {
        using var seed = MemoryRepository.Create(CounterContents.Instance);
        seed.Main.Transact(
            tx =>
            {
                for (var i = 0; i < options.Keys; i++)
                {
                    tx.Set(StorePath.Parse($"k{i % 100}/e{i}"), i);
                }

                tx.Set(StorePath.Parse(DeviceFleet.CounterKey), 0);
            },
            new TransactionOptions { Message = "hub-load seed" });
        var remote = new Remote("origin", url, new RemoteOptions { Identity = seeder, ServerFingerprint = hubFingerprint });
        await remote.PushAsync(SyncStore.Of(seed), "main", force: true);
        return seed.Main.Get(StorePath.Parse(DeviceFleet.CounterKey));
    }

    private static async Task<long> ReadCounterAsync(RemoteUrl url, SyncIdentity reader, string hubFingerprint)
    {
        using var copy = MemoryRepository.Create(CounterContents.Instance);
        await new Remote("origin", url, new RemoteOptions { Identity = reader, ServerFingerprint = hubFingerprint }).CloneAsync(SyncStore.Of(copy));
        return copy.Main.Get(StorePath.Parse(DeviceFleet.CounterKey));
    }

    private static void PrintFailures(TextWriter output, FailureTally failures)
    {
        foreach (var message in failures.First)
        {
            output.WriteLine("  first failures: " + message);
        }
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
}
