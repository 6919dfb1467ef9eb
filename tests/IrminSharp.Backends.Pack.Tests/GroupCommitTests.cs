using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public void ConcurrentDurableCommits_ShareFlushes_AndLoseNothing()
    {
        var memory = new MemoryBlockDevice(PackFixture.Sector, 1 << 16, recordWrites: false);
        var device = new SlowFlushDevice(memory, flushMilliseconds: 3);
        const int Threads = 8, PerThread = 25;
        using (var pack = PackStore.Create(device, NativeSchema.Instance.Name, CounterContents.Instance.Name, new PackOptions { Durability = PackDurability.EveryRefUpdate }, ownsDevice: false))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("n", 0);
            var before = device.Flushes;
            var updates = 0;
            using var counting = pack.Refs.Watch(_ => Interlocked.Increment(ref updates));
            var options = new TransactionOptions { Strategy = TransactionStrategy.Merge };
            var workers = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    repo.Main.Transact(tx => tx.Set("n", tx.Get("n") + 1), options);
                }
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
            Assert.Equal(Threads * PerThread, repo.Main.Get("n"));

            // Alone, every ref update costs two flushes (before and after the superblock).
            // Updates that wait on one another's flush share it.
            SpinWait.SpinUntil(() => Volatile.Read(ref updates) >= Threads * PerThread, 5000);
            var flushes = device.Flushes - before;
            Assert.True(flushes < 2 * updates, $"{flushes} flushes for {updates} ref updates");
        }

        using var reopened = PackFixture.Reopen(memory.SnapshotImage());
        Assert.Equal(Threads * PerThread, PackFixture.Repo(reopened).Main.Get("n"));
    }
}
