using System.Diagnostics;
using IrminSharp.Backends.Pack;
using IrminSharp.Store;

namespace IrminSharp.Compare;

/// <summary>
/// <c>read</c>: warm random gets at the head of N keys <c>d&lt;i%100&gt;/k&lt;i&gt;</c> holding
/// <c>value-&lt;i&gt;</c>. IrminSharp reads a pack file (built, closed and reopened read-only);
/// the peer reads a repository next to it, through the pre-resolved head commit. A warm-up pass,
/// then 3 timed rounds; the median round counts. Every value read is checked.
/// </summary>
internal sealed class ReadScenario : IScenario
{
    private const int WarmupGets = 200_000;
    private const int DefaultGets = 1_000_000;
    private const int Rounds = 3;
    private const int Directories = 100;
    private const int ProbeGets = 2_000;
    private static readonly TimeSpan PeerRoundTarget = TimeSpan.FromSeconds(3);

    public string Name => "read";

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = Layout.Spread(options.Entries, Directories);
        var gets = options.Commits ?? DefaultGets;
        var rng = new Random(options.Seed);
        var warmup = RandomKeys(rng, WarmupGets, layout.Entries);
        var timed = RandomKeys(rng, gets, layout.Entries);
        var expected = Enumerable.Range(0, layout.Entries).Select(layout.InitialValueOf).ToArray();

        Directory.CreateDirectory(options.DataDirectory);
        using var directory = BenchDirectory.Create(options.DataDirectory);

        var file = directory.File("read.pack");
        var setup = Stopwatch.StartNew();
        using (var builder = IrminWorkload.OnNewPack(file, PackDurability.Explicit))
        {
            builder.Populate(layout);
        }

        using var store = IrminWorkload.OnExistingPack(file);
        setup.Stop();
        var paths = Enumerable.Range(0, layout.Entries).Select(i => StorePath.Parse(layout.PathOf(i))).ToArray();
        var main = store.Repository.Main;
        var irmin = Measure(store.Name, i => main.Get(paths[i]), expected, warmup, timed, layout) with { Setup = setup.Elapsed };
        var result = new ScenarioResult("get", irmin, null)
        {
            Notes = [$"IrminSharp: a pack file reopened read-only; LibGit2Sharp: a bare repository of loose objects; both in {directory.Path}"],
        };
        if (!options.RunPeer)
        {
            return result;
        }

        using var git = new LibGit2Workload(directory.Path);
        var gitSetup = Stopwatch.StartNew();
        git.Populate(layout);
        var head = git.MainHead;
        gitSetup.Stop();
        var files = Enumerable.Range(0, layout.Entries).Select(layout.PathOf).ToArray();
        Func<int, string> read = i => ((LibGit2Sharp.Blob)head[files[i]].Target).GetContentText();

        // Scale the peer's rounds to about 3 s each if it is slow.
        var probe = Stopwatch.StartNew();
        ReadAll(LibGit2Workload.Name, read, expected, timed.AsSpan(0, Math.Min(ProbeGets, timed.Length)), layout);
        probe.Stop();
        var perSecond = Math.Min(timed.Length, ProbeGets) / probe.Elapsed.TotalSeconds;
        var peerGets = (int)Math.Clamp(perSecond * PeerRoundTarget.TotalSeconds, ProbeGets, timed.Length);
        var peer = Measure(LibGit2Workload.Name, read, expected, warmup.AsSpan(0, Math.Min(warmup.Length, peerGets)).ToArray(), timed[..peerGets], layout);
        return result with { Peer = peer with { Setup = gitSetup.Elapsed } };
    }

    private static int[] RandomKeys(Random rng, int count, int entries) =>
        Enumerable.Range(0, count).Select(_ => rng.Next(entries)).ToArray();

    /// <summary>A warm-up pass, then <see cref="Rounds"/> timed rounds; the median round.</summary>
    private static Measurement Measure(string store, Func<int, string> get, string[] expected, int[] warmup, int[] timed, Layout layout)
    {
        ReadAll(store, get, expected, warmup, layout);
        var rounds = new List<TimeSpan>();
        for (var r = 0; r < Rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            ReadAll(store, get, expected, timed, layout);
            rounds.Add(clock.Elapsed);
        }

        var median = TimeSpan.FromTicks((long)Median.Of(rounds.Select(t => (double)t.Ticks)));
        var each = string.Join(", ", rounds.Select(t => FormattableString.Invariant($"{timed.Length / t.TotalSeconds:F0}")));
        return new Measurement(store, timed.Length, median, null, TimeSpan.Zero) { Note = $"rounds (gets/s): {each}" };
    }

    /// <summary>Reads every key in <paramref name="keys"/>; throws <see cref="VerificationException"/> on a wrong value.</summary>
    private static void ReadAll(string store, Func<int, string> get, string[] expected, ReadOnlySpan<int> keys, Layout layout)
    {
        foreach (var i in keys)
        {
            var value = get(i);
            if (!string.Equals(value, expected[i], StringComparison.Ordinal))
            {
                VerificationException.Check(store, layout.PathOf(i), value, expected[i]);
            }
        }
    }
}
