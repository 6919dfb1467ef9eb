using System.Diagnostics;

namespace IrminSharp.Compare;

/// <summary>
/// <c>merge</c>: two branches of 50 one-entry commits each (A in the first half of the entries, B
/// in the second) from a common base, merged repeatedly.
/// </summary>
internal static class MergeScenario
{
    private const int ChangesPerBranch = 50;

    public static (Measurement Irmin, Measurement? Peer) Run(HarnessOptions options)
    {
        var layout = new Layout(options.Entries, sharded: false);
        var merges = options.Commits ?? 50;
        var rng = new Random(options.Seed);
        var half = Math.Max(1, layout.Entries / 2);
        var left = Enumerable.Range(0, ChangesPerBranch).Select(_ => rng.Next(half)).ToArray();
        var right = Enumerable.Range(0, ChangesPerBranch).Select(_ => half + rng.Next(layout.Entries - half)).ToArray();

        using var irmin = new IrminWorkload();
        var setup = Stopwatch.StartNew();
        var root = irmin.Populate(layout);
        var a = irmin.Branch("a", root, layout, left);
        var b = irmin.Branch("b", root, layout, right);
        var irminSetup = setup.Elapsed;
        var mine = irmin.MergeRepeatedly(a, b, merges) with { Setup = irminSetup };
        var merged = irmin.Repository.MergeCommits(a, b, irmin.Repository.Info("check")).Value.Hash;
        CommitScenario.Check("IrminSharp", irmin.Read(merged, layout.PathOf(left[^1])), Layout.ValueOf(left[^1], 1) + "a");
        CommitScenario.Check("IrminSharp", irmin.Read(merged, layout.PathOf(right[^1])), Layout.ValueOf(right[^1], 1) + "b");

        if (!options.RunPeer)
        {
            return (mine, null);
        }

        using var git = new LibGit2Workload();
        setup.Restart();
        var gitRoot = git.Populate(layout);
        var ga = git.Branch(gitRoot, layout, "a", left);
        var gb = git.Branch(gitRoot, layout, "b", right);
        var gitSetup = setup.Elapsed;
        var peer = git.MergeRepeatedly(ga, gb, merges) with { Setup = gitSetup };
        return (mine, peer);
    }
}
