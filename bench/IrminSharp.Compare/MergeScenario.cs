using System.Diagnostics;

namespace IrminSharp.Compare;

/// <summary>
/// <c>merge</c>: a base of N entries in <c>files/</c>; branch <c>a</c> changes 50 distinct
/// random entries of the first half, branch <c>b</c> 50 of the second half, one commit each;
/// then a is merged with b C times (default 50), each merge writing its commit.
/// </summary>
internal sealed class MergeScenario : IScenario
{
    public const int DefaultMerges = 50;
    private const int ChangesPerBranch = 50;
    private const int Warmup = 3;

    public string Name => "merge";

    /// <summary>What branch <paramref name="branch"/> writes to entry <paramref name="i"/>.</summary>
    public static string BranchValue(int i, string branch) => Layout.ValueOf(i, 1) + "-" + branch;

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Entries < 2 * ChangesPerBranch)
        {
            throw new ArgumentException($"merge needs --entries of at least {2 * ChangesPerBranch}");
        }

        var layout = Layout.Flat(options.Entries);
        var merges = options.Commits ?? DefaultMerges;
        var rng = new Random(options.Seed);
        var half = layout.Entries / 2;
        var left = Distinct(rng, 0, half);
        var right = Distinct(rng, half, layout.Entries);
        var untouched = Enumerable.Range(0, layout.Entries).First(i => !left.Contains(i) && !right.Contains(i));

        using var stores = StoreSetup.For(options);
        var irmin = new List<Measurement>();
        for (var run = 0; run < stores.IrminRuns; run++)
        {
            using var store = stores.OpenIrmin(run);
            var setup = Stopwatch.StartNew();
            var root = store.Populate(layout);
            var a = store.Branch("a", root, layout, left);
            var b = store.Branch("b", root, layout, right);
            setup.Stop();
            var (measured, merged) = store.MergeRepeatedly(a, b, Warmup, merges);
            irmin.Add(measured with { Setup = setup.Elapsed });
            Verify(store.Name, layout, left, right, untouched, path => store.Read(merged, path));
        }

        var result = new ScenarioResult("merge", irmin[^1], null) { OtherIrmin = irmin[..^1], Notes = stores.Notes };
        if (!options.RunPeer)
        {
            return result;
        }

        using var git = new LibGit2Workload(stores.PeerRoot);
        var gitSetup = Stopwatch.StartNew();
        var gitRoot = git.Populate(layout);
        var ga = git.Branch("a", gitRoot, layout, left);
        var gb = git.Branch("b", gitRoot, layout, right);
        gitSetup.Stop();
        var (peer, gitMerged) = git.MergeRepeatedly(ga, gb, Warmup, merges);
        Verify(LibGit2Workload.Name, layout, left, right, untouched, path => LibGit2Workload.Read(gitMerged, path));
        return result with { Peer = peer with { Setup = gitSetup.Elapsed } };
    }

    /// <summary><see cref="ChangesPerBranch"/> distinct entries in [<paramref name="from"/>, <paramref name="to"/>), in drawing order.</summary>
    private static List<int> Distinct(Random rng, int from, int to)
    {
        var seen = new HashSet<int>();
        var picked = new List<int>();
        while (picked.Count < ChangesPerBranch)
        {
            var i = rng.Next(from, to);
            if (seen.Add(i))
            {
                picked.Add(i);
            }
        }

        return picked;
    }

    /// <summary>Both sides' changes, and an entry neither touched, are in the merged tree.</summary>
    private static void Verify(string store, Layout layout, List<int> left, List<int> right, int untouched, Func<string, string?> read)
    {
        foreach (var i in left)
        {
            VerificationException.Check(store, layout.PathOf(i), read(layout.PathOf(i)), BranchValue(i, "a"));
        }

        foreach (var i in right)
        {
            VerificationException.Check(store, layout.PathOf(i), read(layout.PathOf(i)), BranchValue(i, "b"));
        }

        VerificationException.Check(store, layout.PathOf(untouched), read(layout.PathOf(untouched)), Layout.ValueOf(untouched, 0));
    }
}
