using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Runs a randomized workload (commits, removals, merges, reverts, two gcs) in durable mode on a
/// recording memory device, noting the device's <see cref="DeviceMark"/> as each operation returns,
/// then replays the write stream as every crash image of <see cref="CrashSweep"/> (prefixes,
/// reordered and torn unflushed writes) and checks the promise by acknowledgement: the store
/// opens, fsck is clean, and the refs and contents are exactly those of an acknowledged state no
/// older than the last operation acknowledged before the crash point (whatever the flush epochs say).
/// </summary>
public sealed class CrashSweepTests(ITestOutputHelper output)
{
    private static readonly string[] Paths = ["a", "b/c", "b/d", "e/f/g"];
    private static readonly string[] Branches = ["main", "dev", "ops"];

    // Small batches and checkpoints, so that batches span several writes and checkpoints happen.
    // Durable mode: every ref update is on stable storage when it returns.
    private static readonly PackOptions SweepOptions = new() { BatchBytes = 64, CheckpointEvery = 300, Durability = PackDurability.EveryRefUpdate };

    private sealed record State(DeviceMark Mark, Dictionary<string, Hash> Refs, Dictionary<string, Dictionary<string, long>> Contents);

    [Theory]
    [InlineData(512, 4096, 120)]
    [InlineData(4096, 1024, 30)]
    public void EveryCrashImage_RecoversAnAcknowledgedState(int sectorSize, int sectors, int totalCommits)
    {
        var device = new MemoryBlockDevice(sectorSize, sectors, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new List<State>();
        var rng = new Random(20261127);
        var commits = 0;
        var gcs = 0;
        var lastGcAt = 0;
        using (var pack = PackFixture.Create(device, SweepOptions))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("a", 0, "first");
            commits++;
            acks.Add(Capture(repo, device));
            while (commits < totalCommits)
            {
                var branch = Branches[rng.Next(Branches.Length)];
                if (!repo.TryGetBranch(branch, out _))
                {
                    repo.CreateBranch(branch, repo.Main.HeadHash!.Value);
                }
                else
                {
                    var handle = repo.Branch(branch);
                    var path = Paths[rng.Next(Paths.Length)];
                    switch (rng.Next(10))
                    {
                        case < 6:
                            handle.Transact(tx => tx.Set(path, tx.Find(path).GetValueOrDefault(0) + 1));
                            commits++;
                            break;
                        case < 8:
                            if (handle.Remove(path) is not null)
                            {
                                commits++;
                            }

                            break;
                        case 8:
                            var other = Branches[rng.Next(Branches.Length)];
                            if (repo.TryGetBranch(other, out var theirs) && handle.TryMerge(theirs).IsOk)
                            {
                                commits++;
                            }

                            break;
                        default:
                            // Move the branch back one commit (a revert of the head).
                            if (handle.Head is { Parents.Length: > 0 } head)
                            {
                                handle.TrySetHead(head.Hash, head.Parents[0]);
                            }

                            break;
                    }
                }

                acks.Add(Capture(repo, device));
                if (commits % (totalCommits / 3) == 0 && commits != lastGcAt)
                {
                    // Garbage collection is in the sweep too: a crash during it must leave the old
                    // or the new pack, both holding the acknowledged state.
                    pack.Gc(NativeSchema.Instance);
                    gcs++;
                    lastGcAt = commits;
                    acks.Add(Capture(repo, device));
                }
            }
        }

        var sweep = new CrashSweep(baseImage, device.Writes, device.Flushes, sectorSize);
        sweep.Run(acks[0].Mark.Writes, (image, point, label) => CheckRecovery(image, point, acks, sectorSize, label));
        output.WriteLine($"crash sweep ({sectorSize}-byte sectors): {commits} commits, {gcs} gcs, {device.Writes.Count} writes, {device.Flushes} flushes; {sweep.Summary()}");
        Assert.True(gcs >= 2, $"only {gcs} gcs");
        Assert.True(sweep.Prefixes > 3 * totalCommits, $"only {sweep.Prefixes} crash points");
        Assert.True(sweep.ReorderedExhaustive > 0 && sweep.ReorderedSeeded > 0, sweep.Summary());
        Assert.True(sectorSize != 4096 || sweep.TornPieces > 0, sweep.Summary());
    }

    /// <summary>The state an operation left, with the device's mark as it returned (taken first: reading writes nothing).</summary>
    private static State Capture(Repository<long> repo, MemoryBlockDevice device)
    {
        var mark = device.Mark();
        var refs = repo.Refs.List().ToDictionary(r => r.Key, r => r.Value);
        var contents = repo.Branches().ToDictionary(
            b => b,
            b => repo.Branch(b).Tree.EnumerateContents().ToDictionary(e => e.Key.ToString(), e => repo.Decode(e.Value.Value)));
        return new State(mark, refs, contents);
    }

    private static void CheckRecovery(byte[] image, CrashPoint point, List<State> acks, int sectorSize, string label)
    {
        // The acknowledgements are in order, and so are their marks: those the crash point covers
        // are a prefix of them. Before the first, the pack may not even be formatted.
        var lastAck = acks.FindLastIndex(a => point.Covers(a.Mark));
        if (lastAck < 0)
        {
            return;
        }

        using var pack = PackFixture.Reopen(image, SweepOptions, sectorSize);
        var fsck = pack.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)}");
        using var repo = PackFixture.Repo(pack);
        var refs = repo.Refs.List().ToDictionary(r => r.Key, r => r.Value);
        var match = acks.Skip(lastAck).FirstOrDefault(a => SameRefs(a.Refs, refs));
        Assert.True(match is not null, $"{label}: the recovered refs are no acknowledged state at or after #{lastAck} (acknowledged at {acks[lastAck].Mark})");
        foreach (var (branch, expected) in match!.Contents)
        {
            var actual = repo.Branch(branch).Tree.EnumerateContents().ToDictionary(e => e.Key.ToString(), e => repo.Decode(e.Value.Value));
            Assert.True(SameContents(expected, actual), $"{label}: branch {branch} holds other contents");
        }
    }

    private static bool SameRefs(Dictionary<string, Hash> a, Dictionary<string, Hash> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static bool SameContents(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
}
