using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Three durable writers (their commits sharing flushes: group commit), a gc thread and frequent
/// checkpoints run at once on a recording device, each writer noting the device's
/// <see cref="DeviceMark"/> as each commit returns; then every crash image of
/// <see cref="CrashSweep"/> (prefixes, reordered and torn unflushed writes) must open as a
/// self-consistent store (fsck clean: everything reachable from every ref is stored) holding every
/// commit whose acknowledgement the crash point covers.
/// </summary>
public sealed class ConcurrentCrashSweepTests(ITestOutputHelper output)
{
    private static readonly PackOptions Options = new() { BatchBytes = 256, CheckpointEvery = 24, Durability = PackDurability.EveryRefUpdate };

    private const int Writers = 3;

    private sealed record Ack(DeviceMark Mark, string Branch, Hash Commit);

    [Theory]
    [InlineData(1)]
    public void WritersGcAndCheckpoints_EveryCutIsConsistentAndKeepsWhatWasAcknowledged(int seed)
    {
        var device = new MemoryBlockDevice(PackFixture.Sector, 2048, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new ConcurrentQueue<Ack>();
        DeviceMark start;
        int gcs = 0;
        var failures = new ConcurrentQueue<Exception>();
        using (var pack = PackFixture.Create(device, Options))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("shared", 0, "start");
            start = device.Mark();
            var done = 0;
            var writers = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
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
                for (var i = 0; i < 30; i++)
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

                    acks.Enqueue(new Ack(device.Mark(), branch, acked!.Hash));

                    // Every few commits, wait for a gc to end, so that gcs run between the writers'
                    // commits however the threads are scheduled (five waits each: at least five gcs).
                    if (i % 6 == 5)
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

        var ackList = acks.ToList();
        var sweep = new CrashSweep(baseImage, device.Writes, device.Flushes, PackFixture.Sector);
        sweep.Run(start.Writes, (image, point, label) => Check(image, point, ackList, label));
        output.WriteLine($"concurrent crash sweep (seed {seed}): {Writers} writers, {gcs} gcs, {ackList.Count} acknowledged commits, {device.Writes.Count} writes, {device.Flushes} flushes; {sweep.Summary()}");
        Assert.True(gcs >= 5, $"only {gcs} gcs ran during the workload");
        Assert.True(sweep.Prefixes > 300, $"only {sweep.Prefixes} crash points");
    }

    private static void Check(byte[] image, CrashPoint point, List<Ack> acks, string label)
    {
        var due = acks.Where(a => point.Covers(a.Mark)).ToList();
        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        var fsck = pack.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)} (root {pack.File.Current})");
        using var repo = PackFixture.Repo(pack);
        foreach (var ack in due)
        {
            Assert.True(repo.TryGetBranch(ack.Branch, out var head), $"{label}: branch {ack.Branch} is missing");
            Assert.True(repo.Objects.Contains(ack.Commit) && repo.IsAncestor(ack.Commit, head), $"{label}: commit {ack.Commit} on {ack.Branch}, acknowledged at {ack.Mark}, is not in the recovered history");
        }
    }
}
