using System.Diagnostics;

namespace IrminSharp.Compare;

/// <summary><c>wide-commit</c> and <c>sharded-commit</c>: commits that each change one entry.</summary>
internal static class CommitScenario
{
    private const int Warmup = 20;

    public static (Measurement Irmin, Measurement? Peer) Run(HarnessOptions options, bool sharded)
    {
        var layout = new Layout(options.Entries, sharded);
        var commits = options.Commits ?? 300;

        using var irmin = new IrminWorkload();
        var setup = Stopwatch.StartNew();
        irmin.Populate(layout);
        var irminSetup = setup.Elapsed;
        var mine = irmin.CommitOneChangeEach(layout, commits, Warmup, new Random(options.Seed)) with { Setup = irminSetup };
        var probe = LastChanged(layout, commits, options.Seed);
        Check("IrminSharp", irmin.Read(irmin.Repository.Main.HeadHash!.Value, probe.Path), probe.Value);

        if (!options.RunPeer)
        {
            return (mine, null);
        }

        using var git = new LibGit2Workload();
        setup.Restart();
        git.Populate(layout);
        var gitSetup = setup.Elapsed;
        var peer = git.CommitOneChangeEach(layout, commits, Warmup, new Random(options.Seed)) with { Setup = gitSetup };
        Check("LibGit2Sharp", git.Read(git.Head.Id, probe.Path), probe.Value);
        return (mine, peer);
    }

    /// <summary>The path and value the last timed commit wrote, replaying the same random sequence.</summary>
    private static (string Path, string Value) LastChanged(Layout layout, int commits, int seed)
    {
        var rng = new Random(seed);
        for (var w = 0; w < Warmup; w++)
        {
            rng.Next(layout.Entries);
        }

        var i = 0;
        for (var c = 0; c < commits; c++)
        {
            i = rng.Next(layout.Entries);
        }

        return (layout.PathOf(i), Layout.ValueOf(i, commits));
    }

    internal static void Check(string who, string actual, string expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{who} read back '{actual}', expected '{expected}'");
        }
    }
}
