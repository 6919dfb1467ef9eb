using IrminSharp.Backends.Block;
using IrminSharp.Store;
using IrminSharp.Testing;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Commits, ref swaps and gc under explored schedules. The points here are between whole
/// operations; every ScheduledLock and SchedulePoint inside the engine adds finer ones.
/// </summary>
public sealed class PackScheduleTests(ITestOutputHelper output)
{
    private sealed class World : IDisposable
    {
        public World()
        {
            Device = PackFixture.NewDevice(sectors: 4096);
            Pack = PackStore.Create(Device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name,
                new PackOptions { Durability = PackDurability.EveryRefUpdate }, "scheduled pack", ownsDevice: false);
            Repo = PackFixture.Repo(Pack);
            Repo.Main.Set("a", 0);
            Repo.Main.Set("b", 0);
        }

        public MemoryBlockDevice Device { get; }

        public PackStore Pack { get; }

        public Repository<long> Repo { get; }

        public void Dispose()
        {
            Repo.Dispose();
            Pack.Dispose();
            Device.Dispose();
        }
    }

    [Fact]
    public void TwoWritersAndGc_InExploredOrders_LoseNoCommitAndReopen()
    {
        const int Commits = 3;
        World? world = null;
        var merge = new TransactionOptions { Strategy = TransactionStrategy.Merge };
        var result = ScheduleExplorer.Explore(new ExploreOptions { Schedules = 150, Seed = 1 }, _ =>
        {
            world?.Dispose();
            var w = world = new World();
            Action writer(string key) => () =>
            {
                for (var i = 0; i < Commits; i++)
                {
                    w.Repo.Main.Transact(tx => tx.Set(key, tx.Get(key) + 1), merge);
                    SchedulePoint.Here(key + " committed");
                }
            };
            return
            [
                writer("a"),
                writer("b"),
                () =>
                {
                    w.Pack.Gc(NativeSchema.Instance);
                    SchedulePoint.Here("gc done");
                    w.Pack.Gc(NativeSchema.Instance);
                },
            ];
        }, _ =>
        {
            var w = world!;
            Assert.Equal(Commits, w.Repo.Main.Get("a"));
            Assert.Equal(Commits, w.Repo.Main.Get("b"));
            Assert.True(w.Pack.Fsck(NativeSchema.Instance).IsClean);
            using var reopened = PackFixture.Reopen(w.Device.SnapshotImage());
            using var repo = PackFixture.Repo(reopened);
            Assert.Equal(Commits, repo.Main.Get("a"));
            Assert.Equal(Commits, repo.Main.Get("b"));
        });
        world?.Dispose();
        output.WriteLine(result.ToString());
        Assert.Equal(150, result.Schedules);
        Assert.True(result.DistinctInterleavings > 10, result.ToString());
    }
}
