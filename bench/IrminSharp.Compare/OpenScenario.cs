using System.Diagnostics;
using System.Globalization;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;

namespace IrminSharp.Compare;

/// <summary>
/// <c>open</c>: boot to first read. A pack of about N objects (N/1.15 keys <c>d&lt;i%1000&gt;/k&lt;i&gt;</c>
/// plus their nodes and one commit) is built once and cached in <c>--dir</c>; then fresh processes
/// (<see cref="OpenChild"/>) each open it read-only and read one key. No peer.
/// </summary>
internal sealed class OpenScenario : IScenario
{
    private const int Runs = 7;
    private const int Directories = 1000;

    /// <summary>Objects per key: each key's contents, plus the nodes above them (about 0.15 per key here) and the commit.</summary>
    private const double KeysToObjects = 1.15;

    public string Name => "open";

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        var layout = Layout.Spread((int)(options.Entries / KeysToObjects), Directories);
        var file = Path.Combine(options.DataDirectory, string.Create(CultureInfo.InvariantCulture, $"open-{options.Entries}.pack"));
        var build = File.Exists(file) ? (TimeSpan?)null : Build(file, layout);

        long objects;
        using (var pack = PackStore.Open(FileBlockDevice.Open(file, new FileBlockDeviceOptions { ReadOnly = true }), new PackOptions { ReadOnly = true }))
        {
            objects = pack.Stats().Objects;
        }

        var rng = new Random(options.Seed);
        var runs = new List<(double InProcessMs, double ProcessMs, string Stages)>();
        for (var r = 0; r < Runs; r++)
        {
            var i = rng.Next(layout.Entries);
            runs.Add(RunChild(file, layout.PathOf(i), layout.InitialValueOf(i)));
        }

        // The published native binary, as an appliance boots it: `irmin --root DIR get KEY`.
        var native = new List<double>();
        if (options.IrminBinary is { } irmin)
        {
            var root = Path.Combine(options.DataDirectory, string.Create(CultureInfo.InvariantCulture, $"open-{options.Entries}-root"));
            Directory.CreateDirectory(root);
            var link = Path.Combine(root, "store.pack");
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, file);
            }

            for (var r = 0; r < Runs; r++)
            {
                var i = rng.Next(layout.Entries);
                native.Add(RunNative(irmin, root, layout.PathOf(i), layout.InitialValueOf(i)));
            }
        }

        return new OpenResult(file, layout.Entries, objects, build, runs, native);
    }

    /// <summary>Runs the native irmin binary's <c>get</c>; returns its whole-process wall time.</summary>
    private static double RunNative(string irmin, string root, string key, string expected)
    {
        var start = new ProcessStartInfo(irmin) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--root", root, "get", key })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + irmin);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0 || output.Trim() != expected)
        {
            throw new VerificationException($"{irmin} get {key}: exit {process.ExitCode}, read '{output.Trim()}', expected '{expected}' {process.StandardError.ReadToEnd().Trim()}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Commits the layout once to a new pack (Explicit durability) and closes it, which writes the index checkpoint.</summary>
    private static TimeSpan Build(string file, Layout layout)
    {
        var partial = file + ".partial";
        File.Delete(partial);
        var clock = Stopwatch.StartNew();
        using (var store = IrminWorkload.OnNewPack(partial, PackDurability.Explicit))
        {
            store.Populate(layout);
        }

        clock.Stop();
        File.Move(partial, file);
        return clock.Elapsed;
    }

    /// <summary>Starts <see cref="OpenChild"/> in a fresh process: its own time, and the process's wall time.</summary>
    private static (double InProcessMs, double ProcessMs, string Stages) RunChild(string file, string key, string expected)
    {
        var dll = typeof(OpenScenario).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, OpenChild.Command, file, key, expected })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        clock.Stop();
        var stderr = errors.GetAwaiter().GetResult();
        switch (process.ExitCode)
        {
            case 0:
                break;
            case 1:
                throw new VerificationException($"IrminSharp (fresh process): {stderr.Trim()}");
            default:
                throw new InvalidOperationException($"{OpenChild.Command} exited with {process.ExitCode}: {stderr.Trim()}");
        }

        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(OpenChild.Prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{OpenChild.Command} printed no time: {output}");
        var inProcess = double.Parse(line.AsSpan(OpenChild.Prefix.Length), CultureInfo.InvariantCulture);
        var stages = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(OpenChild.StagesPrefix, StringComparison.Ordinal)) ?? string.Empty;
        return (inProcess, clock.Elapsed.TotalMilliseconds, stages);
    }

    /// <summary>The dotnet host this process runs on, else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    private sealed record OpenResult(string File, int Keys, long Objects, TimeSpan? Build, IReadOnlyList<(double InProcessMs, double ProcessMs, string Stages)> Runs, IReadOnlyList<double> Native)
        : IScenarioReport
    {
        public void Print(TextWriter output, string scenario, HarnessOptions options)
        {
            var invariant = CultureInfo.InvariantCulture;
            var how = Build is { } b ? string.Create(invariant, $"built in {b.TotalSeconds:F1} s") : "cached";
            output.WriteLine(string.Create(invariant, $"scenario {scenario}: {Objects} objects ({Keys} keys), pack {File} ({how}), {Runs.Count} fresh processes"));
            output.WriteLine($"{"run",-5} {"open+read ms",14} {"process ms",12}");
            for (var r = 0; r < Runs.Count; r++)
            {
                output.WriteLine(string.Create(invariant, $"{r + 1,-5} {Runs[r].InProcessMs,14:F1} {Runs[r].ProcessMs,12:F1}  {Runs[r].Stages}"));
            }

            var inProcess = Median.Of(Runs.Select(r => r.InProcessMs));
            var process = Median.Of(Runs.Select(r => r.ProcessMs));
            output.WriteLine(string.Create(invariant, $"{"median",-5} {inProcess,14:F1} {process,12:F1}"));
            output.WriteLine("open+read: from the start of the child's Main to the value read and checked (opening the pack read-only,");
            output.WriteLine("the repository, one get at main's head); process: the parent's wall time from process start to exit.");
            if (Native.Count > 0)
            {
                var native = Median.Of(Native);
                output.WriteLine(string.Create(invariant, $"native irmin (NativeAOT) `get`, whole process: {string.Join(", ", Native.Select(n => n.ToString("F1", invariant)))} ms; median {native:F1} ms"));
                output.WriteLine(string.Create(invariant, $"RESULT scenario=open irmin_ms={native:F1} process_ms={native:F1} jit_ms={inProcess:F1} jit_process_ms={process:F1} objects={Objects} peer=none ratio=none"));
                return;
            }

            output.WriteLine(string.Create(invariant, $"RESULT scenario=open irmin_ms={inProcess:F1} process_ms={process:F1} objects={Objects} peer=none ratio=none"));
        }
    }
}
