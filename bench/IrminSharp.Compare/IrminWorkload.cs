using System.Diagnostics;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Compare;

/// <summary>The workloads on IrminSharp's in-memory backend, through the public API.</summary>
internal sealed class IrminWorkload : IDisposable
{
    private readonly MemoryObjectStore objects = new();
    private readonly Repository<string> repo;

    public IrminWorkload() => repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);

    public Repository<string> Repository => repo;

    /// <summary>Commits all entries of <paramref name="layout"/> as one first commit on main.</summary>
    public Commit Populate(Layout layout)
    {
        var tree = Tree.Empty;
        for (var i = 0; i < layout.Entries; i++)
        {
            tree = tree.Add(layout.PathOf(i), repo.Encode(Layout.ValueOf(i, 0)));
        }

        var commit = repo.Commit(tree, [], repo.Info("populate"));
        if (!repo.Main.TrySetHead(null, commit.Hash))
        {
            throw new InvalidOperationException("main already existed");
        }

        return commit;
    }

    /// <summary>Commits one changed entry per iteration on main, the way an application would.</summary>
    public Measurement CommitOneChangeEach(Layout layout, int commits, int warmup, Random rng)
    {
        var main = repo.Main;
        for (var w = 0; w < warmup; w++)
        {
            var i = rng.Next(layout.Entries);
            main.Set(layout.PathOf(i), Layout.ValueOf(i, -1 - w), "warm-up");
        }

        var bytesBefore = objects.Bytes;
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < commits; c++)
        {
            var i = rng.Next(layout.Entries);
            main.Set(layout.PathOf(i), Layout.ValueOf(i, c + 1), "change one entry");
        }

        clock.Stop();
        return new Measurement("IrminSharp", commits, clock.Elapsed, objects.Bytes - bytesBefore, TimeSpan.Zero);
    }

    /// <summary>Makes a branch of <paramref name="changes"/> one-entry commits from <paramref name="from"/>.</summary>
    public Hash Branch(string name, Commit from, Layout layout, IEnumerable<int> changes)
    {
        repo.CreateBranch(name, from.Hash);
        var branch = repo.Branch(name);
        foreach (var i in changes)
        {
            branch.Set(layout.PathOf(i), Layout.ValueOf(i, 1) + name, "change on " + name);
        }

        return branch.HeadHash!.Value;
    }

    public Measurement MergeRepeatedly(Hash ours, Hash theirs, int merges)
    {
        var info = repo.Info("merge");
        var bytesBefore = objects.Bytes;
        var clock = Stopwatch.StartNew();
        for (var m = 0; m < merges; m++)
        {
            var result = repo.MergeCommits(ours, theirs, info with { Timestamp = info.Timestamp + m });
            if (!result.IsOk)
            {
                throw new InvalidOperationException("IrminSharp merge conflicted: " + string.Join("; ", result.Conflicts));
            }
        }

        clock.Stop();
        return new Measurement("IrminSharp", merges, clock.Elapsed, objects.Bytes - bytesBefore, TimeSpan.Zero);
    }

    public string Read(Hash commit, string path) =>
        repo.TryGetCommit(commit, out var c) && repo.TreeOf(c).TryGetValue(path, out var bytes) ? repo.Decode(bytes) : "<missing>";

    public void Dispose() => repo.Dispose();
}
