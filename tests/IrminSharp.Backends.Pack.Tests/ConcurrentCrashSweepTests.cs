using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Two writers, a gc thread and frequent checkpoints run at once on a recording device; then every
/// prefix of the write stream, plus a torn and a reordered variant at each point, must open as a
/// self-consistent store (fsck clean: everything reachable from every ref is stored) holding every
/// commit acknowledged before the cut.
/// </summary>
public sealed class ConcurrentCrashSweepTests(ITestOutputHelper output)
{
    private static readonly PackOptions Options = new() { BatchBytes = 256, CheckpointEvery = 24 };

    private sealed record Ack(long Writes, string Branch, Hash Commit);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WritersGcAndCheckpoints_EveryCutIsConsistentAndKeepsWhatWasAcknowledged(int seed)
    {
        var device = new MemoryBlockDevice(PackFixture.Sector, 2048, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new ConcurrentQueue<Ack>();
        long startWrites;
        int gcs = 0;
        var failures = new ConcurrentQueue<Exception>();
        using (var pack = PackFixture.Create(device, Options))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("shared", 0, "start");
            startWrites = device.Writes.Count;
            var done = 0;
            var writers = Enumerable.Range(0, 2).Select(w => new Thread(() =>
            {
                try
                {
                    Write(w);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }

                Interlocked.Increment(ref done);
            })).ToList();

            void Write(int w)
            {
                var rng = new Random((seed * 31) + w);
                var own = $"w{w}";
                repo.CreateBranch(own, repo.Main.HeadHash!.Value);
                var scratch = $"scratch{w}";
                for (var i = 0; i < 40; i++)
                {
                    Commit? acked;
                    string branch;
                    switch (rng.Next(4))
                    {
                        case 0:
                            branch = "main";
                            acked = repo.Main.Transact(tx => tx.Set("shared", tx.Find("shared").GetValueOrDefault(0) + 1), new TransactionOptions { Strategy = TransactionStrategy.Merge });
                            break;
                        case 1:
                            // Garbage, then the same contents again: gc may find it dead in between.
                            branch = own;
                            repo.Branch(own).Set($"g/{i % 3}", 7);
                            repo.Branch(own).Remove($"g/{i % 3}");
                            acked = repo.Branch(own).Set($"g/{i % 3}", 7);
                            break;
                        case 2:
                            // A scratch branch reset to where it started: its commits become garbage.
                            branch = own;
                            if (!repo.TryGetBranch(scratch, out _))
                            {
                                repo.CreateBranch(scratch, repo.Branch(own).HeadHash!.Value);
                            }

                            var before = repo.Branch(scratch).HeadHash!.Value;
                            repo.Branch(scratch).Set("tmp", rng.Next(1000));
                            repo.Branch(scratch).TrySetHead(repo.Branch(scratch).HeadHash, before);
                            acked = repo.Branch(own).Set($"n/{rng.Next(5)}", i);
                            break;
                        default:
                            branch = own;
                            acked = repo.Branch(own).Set($"n/{rng.Next(5)}", i);
                            break;
                    }

                    acks.Enqueue(new Ack(device.Writes.Count, branch, acked!.Hash));

                    // Every few commits, wait for a gc to end, so that gcs run between the writers'
                    // commits however the threads are scheduled.
                    if (i % 8 == 7)
                    {
                        var seen = Volatile.Read(ref gcs);
                        SpinWait.SpinUntil(() => Volatile.Read(ref gcs) > seen || !failures.IsEmpty, TimeSpan.FromSeconds(30));
                    }
                }
            }

            var collector = new Thread(() =>
            {
                try
                {
                    do
                    {
                        pack.Gc(NativeSchema.Instance);
                        Interlocked.Increment(ref gcs);
                        Thread.Sleep(1);
                    }
                    while (Volatile.Read(ref done) < writers.Count);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            });
            writers.ForEach(t => t.Start());
            collector.Start();
            writers.ForEach(t => t.Join());
            collector.Join();
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures));

        var writes = device.Writes;
        var ackList = acks.ToList();
        int prefixes = 0, torn = 0, reordered = 0;
        for (var k = (int)startWrites; k <= writes.Count; k++)
        {
            Check(CrashImages.Prefix(baseImage, writes, PackFixture.Sector, k), ackList, k, $"prefix {k}");
            prefixes++;
            if (k > startWrites)
            {
                Check(CrashImages.Torn(baseImage, writes, PackFixture.Sector, k), ackList, k - 1, $"torn {k}");
                Check(CrashImages.Reordered(baseImage, writes, PackFixture.Sector, k, seed: k), ackList, CrashImages.DurablePrefix(writes, k), $"reordered {k}");
                torn++;
                reordered++;
            }
        }

        output.WriteLine($"concurrent crash sweep (seed {seed}): 2 writers, {gcs} gcs, {ackList.Count} acknowledged commits, {writes.Count} writes; images checked: {prefixes} prefix, {torn} torn, {reordered} reordered");
        Assert.True(gcs >= 5, $"only {gcs} gcs ran during the workload");
        Assert.True(prefixes > 300, $"only {prefixes} crash points");
    }

    private static void Check(byte[] image, List<Ack> acks, int durableWrites, string label)
    {
        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        var fsck = pack.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)} (root {pack.File.Current})");
        using var repo = PackFixture.Repo(pack);
        foreach (var ack in acks.Where(a => a.Writes <= durableWrites))
        {
            Assert.True(repo.TryGetBranch(ack.Branch, out var head), $"{label}: branch {ack.Branch} is missing");
            Assert.True(repo.Objects.Contains(ack.Commit) && repo.IsAncestor(ack.Commit, head), $"{label}: acknowledged commit {ack.Commit} on {ack.Branch} is not in the recovered history");
        }
    }
}
