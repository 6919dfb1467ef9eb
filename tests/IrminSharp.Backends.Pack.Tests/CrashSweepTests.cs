using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Runs a randomized workload on a recording memory device, then replays every prefix of its
/// write stream, plus a torn and a reordered variant at each point, and checks the promise: the
/// store opens, fsck is clean, and the refs and contents are exactly those of an acknowledged
/// state no older than the last acknowledgement before the crash.
/// </summary>
public sealed class CrashSweepTests(ITestOutputHelper output)
{
    private static readonly string[] Paths = ["a", "b/c", "b/d", "e/f/g"];
    private static readonly string[] Branches = ["main", "dev", "ops"];

    // Small batches and checkpoints, so that batches span several writes and checkpoints happen.
    private static readonly PackOptions SweepOptions = new() { BatchBytes = 64, CheckpointEvery = 300 };

    private sealed record State(int Writes, Dictionary<string, Hash> Refs, Dictionary<string, Dictionary<string, long>> Contents);

    [Fact]
    public void EveryCrashPoint_RecoversAnAcknowledgedState()
    {
        var device = new MemoryBlockDevice(PackFixture.Sector, 4096, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new List<State>();
        var rng = new Random(20261127);
        var commits = 0;
        using (var pack = PackFixture.Create(device, SweepOptions))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("a", 0, "first");
            commits++;
            acks.Add(Capture(repo, device));
            while (commits < 220)
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
                if (commits is 80 or 160 && acks[^2].Writes != acks[^1].Writes)
                {
                    // Garbage collection is in the sweep too: a crash during it must leave the old
                    // or the new pack, both holding the acknowledged state.
                    pack.Gc(NativeSchema.Instance);
                    acks.Add(Capture(repo, device));
                }
            }
        }

        var writes = device.Writes;
        var checkedPoints = 0;
        for (var k = acks[0].Writes; k <= writes.Count; k++)
        {
            CheckRecovery(CrashImages.Prefix(baseImage, writes, PackFixture.Sector, k), acks, k, $"prefix {k}");
            checkedPoints++;
            if (k > acks[0].Writes)
            {
                CheckRecovery(CrashImages.Torn(baseImage, writes, PackFixture.Sector, k), acks, k - 1, $"torn {k}");
                CheckRecovery(CrashImages.Reordered(baseImage, writes, PackFixture.Sector, k, seed: k), acks, CrashImages.DurablePrefix(writes, k), $"reordered {k}");
                checkedPoints += 2;
            }
        }

        output.WriteLine($"crash sweep: {commits} commits, {writes.Count} writes, {checkedPoints} crash images checked");
        Assert.True(checkedPoints > 600, $"only {checkedPoints} crash points");
    }

    private static State Capture(Repository<long> repo, MemoryBlockDevice device)
    {
        var refs = repo.Refs.List().ToDictionary(r => r.Key, r => r.Value);
        var contents = repo.Branches().ToDictionary(
            b => b,
            b => repo.Branch(b).Tree.EnumerateContents().ToDictionary(e => e.Key.ToString(), e => repo.Decode(e.Value.Value)));
        return new State(device.Writes.Count, refs, contents);
    }

    private static void CheckRecovery(byte[] image, List<State> acks, int durableWrites, string label)
    {
        var lastAck = acks.FindLastIndex(a => a.Writes <= durableWrites);
        Assert.True(lastAck >= 0, label + ": no acknowledged state");
        using var pack = PackFixture.Reopen(image, SweepOptions);
        var fsck = pack.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)}");
        using var repo = PackFixture.Repo(pack);
        var refs = repo.Refs.List().ToDictionary(r => r.Key, r => r.Value);
        var match = acks.Skip(lastAck).FirstOrDefault(a => SameRefs(a.Refs, refs));
        Assert.True(match is not null, $"{label}: the recovered refs are no acknowledged state at or after #{lastAck}");
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
