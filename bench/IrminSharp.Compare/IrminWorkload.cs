using System.Diagnostics;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Compare;

/// <summary>The workloads on IrminSharp's in-memory backend, through the public API.</summary>
internal sealed class IrminWorkload : IDisposable
{
    public const string Name = "IrminSharp";

    private readonly MemoryObjectStore objects = new();
    private readonly Repository<string> repo;

    public IrminWorkload() => repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);

    /// <summary>How long the last <see cref="Populate"/> spent building the tree in memory, and writing it.</summary>
    public (TimeSpan Build, TimeSpan Write) PopulateTimes { get; private set; }

    /// <summary>
    /// Commits every entry of <paramref name="layout"/> at version 0 as the first commit on main:
    /// one tree built by chained <see cref="Tree.Add"/> calls, written once.
    /// </summary>
    public Hash Populate(Layout layout)
    {
        var clock = Stopwatch.StartNew();
        var tree = Tree.Empty;
        for (var i = 0; i < layout.Entries; i++)
        {
            tree = tree.Add(layout.PathOf(i), repo.Encode(Layout.ValueOf(i, 0)));
        }

        var build = clock.Elapsed;
        clock.Restart();
        var commit = repo.Commit(tree, [], repo.Info("populate"));
        if (!repo.Main.TrySetHead(null, commit.Hash))
        {
            throw new InvalidOperationException("main already existed");
        }

        PopulateTimes = (build, clock.Elapsed);
        return commit.Hash;
    }

    /// <summary>One <see cref="StoreHandle{T}.Set(StorePath, T, string)"/> per planned change on main, the way an application would.</summary>
    public Measurement CommitOneChangeEach(Layout layout, ChangePlan plan)
    {
        var main = repo.Main;
        for (var w = 0; w < plan.Warmup.Count; w++)
        {
            var i = plan.Warmup[w];
            main.Set(layout.PathOf(i), ChangePlan.WarmupValue(i, w), "warm-up");
        }

        var bytesBefore = objects.Bytes;
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < plan.Timed.Count; c++)
        {
            var i = plan.Timed[c];
            main.Set(layout.PathOf(i), ChangePlan.TimedValue(i, c), "change one entry");
        }

        clock.Stop();
        var perCommit = (objects.Bytes - bytesBefore) / plan.Timed.Count;
        return new Measurement(Name, plan.Timed.Count, clock.Elapsed, perCommit, TimeSpan.Zero);
    }

    /// <summary>Makes branch <paramref name="name"/> at <paramref name="from"/> with one commit per changed entry.</summary>
    public Hash Branch(string name, Hash from, Layout layout, IEnumerable<int> changes)
    {
        repo.CreateBranch(name, from);
        var branch = repo.Branch(name);
        foreach (var i in changes)
        {
            branch.Set(layout.PathOf(i), MergeScenario.BranchValue(i, name), "change on " + name);
        }

        return branch.HeadHash!.Value;
    }

    /// <summary>
    /// Merges <paramref name="theirs"/> into <paramref name="ours"/> untimed <paramref name="warmup"/>
    /// times (the first one's new objects are the bytes per merge), then <paramref name="merges"/>
    /// times timed. Every merge writes its commit, dated a second apart so each is a new object.
    /// </summary>
    public (Measurement Measurement, Hash Merged) MergeRepeatedly(Hash ours, Hash theirs, int warmup, int merges)
    {
        var info = repo.Info("merge");
        var bytesBefore = objects.Bytes;
        var merged = Merge(ours, theirs, info);
        var firstMergeBytes = objects.Bytes - bytesBefore;
        for (var w = 1; w < warmup; w++)
        {
            Merge(ours, theirs, info with { Timestamp = info.Timestamp - w });
        }

        var clock = Stopwatch.StartNew();
        for (var m = 0; m < merges; m++)
        {
            Merge(ours, theirs, info with { Timestamp = info.Timestamp + 1 + m });
        }

        clock.Stop();
        return (new Measurement(Name, merges, clock.Elapsed, firstMergeBytes, TimeSpan.Zero), merged);
    }

    /// <summary>The value at <paramref name="path"/> in <paramref name="commit"/>, or null.</summary>
    public string? Read(Hash commit, string path) =>
        repo.TryGetCommit(commit, out var c) && repo.TreeOf(c).TryGetValue(path, out var bytes) ? repo.Decode(bytes) : null;

    public Hash MainHead => repo.Main.HeadHash ?? throw new InvalidOperationException("main has no commit");

    public void Dispose() => repo.Dispose();

    private Hash Merge(Hash ours, Hash theirs, CommitInfo info)
    {
        var result = repo.MergeCommits(ours, theirs, info);
        return result.IsOk
            ? result.Value.Hash
            : throw new VerificationException($"{Name}: the merge conflicted: {string.Join("; ", result.Conflicts)}");
    }
}
