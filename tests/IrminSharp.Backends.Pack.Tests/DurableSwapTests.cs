using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>What a ref update reports agrees with what is durable, and watchers hear only durable changes.</summary>
public sealed class DurableSwapTests
{
    [Fact]
    public void Set_CheckpointFailsAfterTheCommitIsDurable_ReportsSuccess()
    {
        var memory = PackFixture.NewDevice();
        var device = new FaultInjectingBlockDevice(memory);

        // A checkpoint falls due at every commit, and is written after the commit's root.
        using var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, new PackOptions { CheckpointEvery = 1 }, "test pack");
        using var repo = PackFixture.Repo(pack);
        repo.Main.Set("k", 26);

        // Let the commit's batch and root (and their flushes) through; the checkpoint's batch is
        // written, but power is lost before its flush.
        device.FailAfterWrites = device.WriteCount + 3;
        try
        {
            var commit = repo.Main.Set("k", 27);
            Assert.Equal(27, repo.Main.Get("k"));
            Assert.Equal(commit.Hash, repo.Main.HeadHash);
            using var reopened = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
            Assert.Equal(27, PackFixture.Repo(reopened).Main.Get("k"));
        }
        finally
        {
            device.FailAfterWrites = null;
        }
    }

    [Fact]
    public void Flush_CheckpointFailsAfterTheCommitIsDurable_ReturnsNormally()
    {
        var memory = PackFixture.NewDevice();
        var device = new FaultInjectingBlockDevice(memory);
        using var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, new PackOptions { CheckpointEvery = 1, Durability = PackDurability.Explicit }, "test pack");
        using var repo = PackFixture.Repo(pack);
        repo.Main.Set("k", 26);
        pack.Flush();
        repo.Main.Set("k", 27);

        // The commit's batch and root land; power is lost before the checkpoint's flush.
        device.FailAfterWrites = device.WriteCount + 3;
        try
        {
            pack.Flush();
            using var reopened = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
            Assert.Equal(27, PackFixture.Repo(reopened).Main.Get("k"));
        }
        finally
        {
            device.FailAfterWrites = null;
        }
    }

    [Fact]
    public void Set_CommitFails_ThrowsUndoesAndWatchersNeverHearOfIt()
    {
        var memory = PackFixture.NewDevice();
        var device = new FaultInjectingBlockDevice(memory);
        using var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, null, "test pack");
        using var repo = PackFixture.Repo(pack);
        var first = repo.Main.Set("k", 1);
        var heard = new BlockingCollection<RefChange>();
        using var watch = repo.Refs.Watch(heard.Add);

        device.FailAfterWrites = device.WriteCount;
        Assert.ThrowsAny<IOException>(() => repo.Main.Set("k", 2));
        Assert.Equal(first.Hash, repo.Main.HeadHash);

        device.FailAfterWrites = null;
        var third = repo.Main.Set("k", 3);

        // Watchers are told on the thread pool, which the parallel sweeps can keep busy for seconds.
        Assert.True(heard.TryTake(out var change, TimeSpan.FromSeconds(60)));
        Assert.Equal(first.Hash, change.Old);
        Assert.Equal(third.Hash, change.New);
        using var reopened = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
        Assert.Equal(3, PackFixture.Repo(reopened).Main.Get("k"));
    }

    [Fact]
    public void Watchers_HearAChangeOnlyOnceItIsDurable()
    {
        var memory = PackFixture.NewDevice();
        using var pack = PackStore.Create(new SlowFlushDevice(memory), NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, null, "test pack");
        using var repo = PackFixture.Repo(pack);
        repo.Main.Set("k", 1);
        var durableWhenHeard = new BlockingCollection<bool>();
        using var watch = repo.Refs.Watch(change =>
        {
            using var image = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
            var imageRepo = PackFixture.Repo(image);
            durableWhenHeard.Add(image.Refs.TryRead(change.Name, out var value) && imageRepo.Objects.Contains(change.New!.Value) && imageRepo.IsAncestor(change.New.Value, value));
        });

        for (var i = 2; i < 12; i++)
        {
            repo.Main.Set("k", i);
        }

        for (var i = 2; i < 12; i++)
        {
            Assert.True(durableWhenHeard.TryTake(out var durable, TimeSpan.FromSeconds(10)));
            Assert.True(durable);
        }
    }
}
