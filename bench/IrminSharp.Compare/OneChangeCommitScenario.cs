using System.Diagnostics;

namespace IrminSharp.Compare;

/// <summary>
/// N entries committed once (untimed), then C commits that each change one random entry: the
/// common shape of <see cref="WideCommitScenario"/> and <see cref="ShardedCommitScenario"/>.
/// </summary>
internal abstract class OneChangeCommitScenario : IScenario
{
    public const int DefaultCommits = 300;
    private const int Warmup = 20;

    public abstract string Name { get; }

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = CreateLayout(options.Entries);
        var plan = ChangePlan.Create(layout.Entries, Warmup, options.Commits ?? DefaultCommits, options.Seed);
        var final = plan.FinalValues();
        var untouched = Enumerable.Range(0, layout.Entries).Where(i => !final.ContainsKey(i) && !plan.Warmup.Contains(i)).Take(1).ToList();

        using var stores = StoreSetup.For(options);
        var irmin = new List<Measurement>();
        for (var run = 0; run < stores.IrminRuns; run++)
        {
            using var store = stores.OpenIrmin(run);
            irmin.Add(RunIrmin(store, layout, plan, final, untouched));
        }

        var result = new ScenarioResult("commit", irmin[^1], null) { OtherIrmin = irmin[..^1], Notes = stores.Notes };
        if (!options.RunPeer)
        {
            return result;
        }

        using var git = new LibGit2Workload(stores.PeerRoot);
        var gitSetup = Stopwatch.StartNew();
        git.Populate(layout);
        gitSetup.Stop();
        var peer = git.CommitOneChangeEach(layout, plan) with { Setup = gitSetup.Elapsed };
        var gitHead = git.MainHead;
        foreach (var (i, value) in final)
        {
            VerificationException.Check(LibGit2Workload.Name, layout.PathOf(i), LibGit2Workload.Read(gitHead, layout.PathOf(i)), value);
        }

        foreach (var i in untouched)
        {
            VerificationException.Check(LibGit2Workload.Name, layout.PathOf(i), LibGit2Workload.Read(gitHead, layout.PathOf(i)), Layout.ValueOf(i, 0));
        }

        return result with { Peer = peer };
    }

    protected abstract Layout CreateLayout(int entries);

    private static Measurement RunIrmin(IrminWorkload store, Layout layout, ChangePlan plan, IReadOnlyDictionary<int, string> final, List<int> untouched)
    {
        var setup = Stopwatch.StartNew();
        store.Populate(layout);
        setup.Stop();
        var measured = store.CommitOneChangeEach(layout, plan);
        var head = store.MainHead;
        foreach (var (i, value) in final)
        {
            VerificationException.Check(store.Name, layout.PathOf(i), store.Read(head, layout.PathOf(i)), value);
        }

        foreach (var i in untouched)
        {
            VerificationException.Check(store.Name, layout.PathOf(i), store.Read(head, layout.PathOf(i)), Layout.ValueOf(i, 0));
        }

        var note = Describe(store.PopulateTimes);
        return measured with
        {
            Setup = setup.Elapsed,
            Note = measured.Note.Length == 0 ? note : note + "; " + measured.Note,
        };
    }

    private static string Describe((TimeSpan Build, TimeSpan Write) times) =>
        FormattableString.Invariant($"setup: build tree {times.Build.TotalSeconds:F3} s, write {times.Write.TotalSeconds:F3} s");
}
