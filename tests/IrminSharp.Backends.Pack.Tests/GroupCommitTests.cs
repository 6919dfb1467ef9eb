using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Group commit: durable writers committing at once share flushes, and sharing loses nothing.
/// </summary>
public sealed class GroupCommitTests(ITestOutputHelper output)
{
    private const int Threads = 8, Rounds = 4;

    private sealed record Ack(DeviceMark Mark, string Branch, Hash Commit);

    /// <summary>
    /// In each round eight threads commit once each, at once, in durable mode, to their own
    /// branches, on a device whose flushes take 20 ms. Alone, a commit costs two flushes (before
    /// and after the superblock); shared, the round's eight commits take fewer than eight. Then
    /// every crash image of the recorded stream holds every commit whose acknowledgement its crash
    /// point covers.
    /// </summary>
    [Fact]
    public void ConcurrentDurableCommits_ShareFlushes_AndEveryAcknowledgedOneSurvivesTheSweep()
    {
        var memory = new MemoryBlockDevice(PackFixture.Sector, 4096, recordWrites: true);
        var baseImage = memory.SnapshotImage();
        var device = new SlowFlushDevice(memory, flushMilliseconds: 20);
        var acks = new ConcurrentQueue<Ack>();
        var failures = new ConcurrentQueue<Exception>();
        DeviceMark start;
        int flushes;
        var options = new PackOptions { Durability = PackDurability.EveryRefUpdate };
        using (var pack = PackStore.Create(device, NativeSchema.Instance.Name, CounterContents.Instance.Name, options, ownsDevice: false))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("n", 0);
            for (var t = 0; t < Threads; t++)
            {
                repo.CreateBranch($"w{t}", repo.Main.HeadHash!.Value);
            }

            start = memory.Mark();
            var before = device.Flushes;
            using var barrier = new Barrier(Threads);
            var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                try
                {
                    for (var round = 0; round < Rounds; round++)
                    {
                        barrier.SignalAndWait();
                        var commit = repo.Branch($"w{t}").Set($"k{t}", round);
                        acks.Enqueue(new Ack(memory.Mark(), $"w{t}", commit!.Hash));
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                    barrier.RemoveParticipant();
                }
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
            flushes = device.Flushes - before;
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(Threads * Rounds, acks.Count);
        Assert.True(flushes > 0, "no flush: the commits were acknowledged without reaching stable storage");
        Assert.True(flushes < acks.Count, $"{flushes} flushes for {acks.Count} commits in {Rounds} rounds of {Threads}: not shared");

        var ackList = acks.ToList();
        var sweep = new CrashSweep(baseImage, memory.Writes, memory.Flushes, PackFixture.Sector);
        sweep.Run(start.Writes, (image, point, label) =>
        {
            using var reopened = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
            var fsck = reopened.Fsck(NativeSchema.Instance);
            Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)}");
            using var repo = PackFixture.Repo(reopened);
            foreach (var ack in ackList.Where(a => point.Covers(a.Mark)))
            {
                Assert.True(
                    repo.TryGetBranch(ack.Branch, out var head) && repo.Objects.Contains(ack.Commit) && repo.IsAncestor(ack.Commit, head),
                    $"{label}: commit {ack.Commit} on {ack.Branch}, acknowledged at {ack.Mark}, is lost");
            }
        });
        output.WriteLine($"group commit crash sweep: {Threads} writers × {Rounds} rounds, {acks.Count} commits acknowledged, {flushes} flushes; {sweep.Summary()}");
    }
}
