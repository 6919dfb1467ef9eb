using System.Diagnostics;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Memory;
using IrminSharp.Backends.Pack;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Compare;

/// <summary>The workloads on IrminSharp, through the public API: in memory, or on a pack file.</summary>
internal sealed class IrminWorkload : IDisposable
{
    /// <summary>The sparse size of a pack file: room enough, and only what is written takes disk space.</summary>
    public const long PackFileBytes = 16L << 30;

    private readonly Repository<string> repo;
    private readonly MemoryObjectStore? memory;
    private readonly PackStore? pack;

    private IrminWorkload(string name, Repository<string> repo, MemoryObjectStore? memory, PackStore? pack)
    {
        Name = name;
        this.repo = repo;
        this.memory = memory;
        this.pack = pack;
    }

    /// <summary>The store's name in the table and in messages.</summary>
    public string Name { get; }

    /// <summary>IrminSharp on its in-memory backend.</summary>
    public static IrminWorkload InMemory()
    {
        var objects = new MemoryObjectStore();
        return new IrminWorkload("IrminSharp", Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance), objects, null);
    }

    /// <summary>IrminSharp on a new pack file at <paramref name="file"/> (created sparse).</summary>
    public static IrminWorkload OnNewPack(string file, PackDurability durability)
    {
        var device = FileBlockDevice.Open(file, new FileBlockDeviceOptions { CreateSectors = PackFileBytes / 4096 });
        var pack = PackStore.Create(device, NativeSchema.Instance.Name, StringContents.Instance.Name, new PackOptions { Durability = durability });
        try
        {
            var name = durability == PackDurability.EveryRefUpdate ? "IrminSharp pack+fsync" : "IrminSharp pack";
            return new IrminWorkload(name, Repository<string>.Open(pack.Objects, pack.Refs, StringContents.Instance), null, pack);
        }
        catch
        {
            pack.Dispose();
            throw;
        }
    }

    /// <summary>IrminSharp on the existing pack file at <paramref name="file"/>, read-only.</summary>
    public static IrminWorkload OnExistingPack(string file)
    {
        var pack = PackStore.Open(FileBlockDevice.Open(file, new FileBlockDeviceOptions { ReadOnly = true }), new PackOptions { ReadOnly = true });
        try
        {
            return new IrminWorkload("IrminSharp pack", Repository<string>.Open(pack.Objects, pack.Refs, StringContents.Instance), null, pack);
        }
        catch
        {
            pack.Dispose();
            throw;
        }
    }

    /// <summary>The pack's sizes, or null on the memory backend.</summary>
    public PackStats? PackStats => pack?.Stats();

    /// <summary>The repository, for the read scenario's gets.</summary>
    public Repository<string> Repository => repo;

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
            tree = tree.Add(layout.PathOf(i), repo.Encode(layout.InitialValueOf(i)));
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

        var bytesBefore = BytesWritten();
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < plan.Timed.Count; c++)
        {
            var i = plan.Timed[c];
            main.Set(layout.PathOf(i), ChangePlan.TimedValue(i, c), "change one entry");
        }

        clock.Stop();
        var (bytesAfter, flush) = BytesWrittenAfterFlush();
        var perCommit = (bytesAfter - bytesBefore) / plan.Timed.Count;
        return new Measurement(Name, plan.Timed.Count, clock.Elapsed, perCommit, TimeSpan.Zero) { Note = flush };
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
        var bytesBefore = BytesWritten();
        var merged = Merge(ours, theirs, info);
        var firstMergeBytes = BytesWrittenAfterFlush().Bytes - bytesBefore;
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
        var flush = BytesWrittenAfterFlush().FlushNote;
        return (new Measurement(Name, merges, clock.Elapsed, firstMergeBytes, TimeSpan.Zero) { Note = flush }, merged);
    }

    /// <summary>The value at <paramref name="path"/> in <paramref name="commit"/>, or null.</summary>
    public string? Read(Hash commit, string path) =>
        repo.TryGetCommit(commit, out var c) && repo.TreeOf(c).TryGetValue(path, out var bytes) ? repo.Decode(bytes) : null;

    public Hash MainHead => repo.Main.HeadHash ?? throw new InvalidOperationException("main has no commit");

    public void Dispose() => repo.Dispose();

    /// <summary>
    /// The bytes written so far: the memory store's encoded objects, or the pack's log in use. A
    /// pack with <see cref="PackDurability.Explicit"/> writes its pending objects at a flush, so
    /// this flushes first (untimed by the callers).
    /// </summary>
    private long BytesWritten() => BytesWrittenAfterFlush().Bytes;

    /// <summary>As <see cref="BytesWritten"/>, with how long the flush took, for the table.</summary>
    private (long Bytes, string FlushNote) BytesWrittenAfterFlush()
    {
        if (pack is null)
        {
            return (memory!.Bytes, string.Empty);
        }

        var clock = Stopwatch.StartNew();
        pack.Flush();
        clock.Stop();
        var note = pack.Options.Durability == PackDurability.Explicit
            ? FormattableString.Invariant($"untimed final flush {clock.Elapsed.TotalMilliseconds:F1} ms")
            : string.Empty;
        return (pack.Stats().LogBytes, note);
    }

    private Hash Merge(Hash ours, Hash theirs, CommitInfo info)
    {
        var result = repo.MergeCommits(ours, theirs, info);
        return result.IsOk
            ? result.Value.Hash
            : throw new VerificationException($"{Name}: the merge conflicted: {string.Join("; ", result.Conflicts)}");
    }
}
