using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class PackStoreTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-pack-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Commits_SurviveReopen_FromTheDeviceImage()
    {
        var device = PackFixture.NewDevice();
        using (var pack = PackFixture.Create(device))
        {
            using var repo = PackFixture.Repo(pack);
            repo.Main.Set("a/b", 1);
            repo.Main.Set("a/c", 2);
            repo.CreateTag("v1", repo.Main.HeadHash!.Value);
        }

        using var reopened = PackFixture.Reopen(device.SnapshotImage());
        using var again = PackFixture.Repo(reopened);
        Assert.Equal(1, again.Main.Get("a/b"));
        Assert.Equal(2, again.Main.Get("a/c"));
        Assert.Equal(["v1"], again.Tags());
        Assert.Equal("counter", reopened.ContentType);
        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void AcknowledgedCommit_IsDurable_WithoutAClose()
    {
        var device = PackFixture.NewDevice(record: true);
        var pack = PackFixture.Create(device, new PackOptions { Durability = PackDurability.EveryRefUpdate });
        var repo = PackFixture.Repo(pack);
        for (var i = 1; i <= 12; i++)
        {
            repo.Main.Set("k", i);

            // No dispose: the power fails here. Only flushed writes are surely on disk, and they
            // hold every commit acknowledged, the first ones and those after many commits alike.
            using var reopened = PackFixture.Reopen(device.DurableImage(), new PackOptions { ReadOnly = true });
            Assert.Equal(i, PackFixture.Repo(reopened).Main.Get("k"));
        }
    }

    [Fact]
    public void ManyObjects_AcrossCheckpoints_AllReadable()
    {
        var device = PackFixture.NewDevice(sectors: 65536);
        var options = new PackOptions { CheckpointEvery = 200 };
        using (var pack = PackFixture.Create(device, options))
        {
            using var repo = PackFixture.Repo(pack);
            for (var i = 0; i < 60; i++)
            {
                repo.Main.Transact(tx =>
                {
                    for (var j = 0; j < 20; j++)
                    {
                        tx.Set($"d{j}/k{i}", i * 100 + j);
                    }
                });
            }

            Assert.True(pack.Stats().Objects > 1000);
        }

        using var reopened = PackFixture.Reopen(device.SnapshotImage(), options);
        var again = PackFixture.Repo(reopened);
        for (var i = 0; i < 60; i += 7)
        {
            Assert.Equal(i * 100 + 3, again.Main.Get($"d3/k{i}"));
        }

        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void FileDevice_CreateCloseReopen_KeepsEverything()
    {
        var path = Path.Combine(dir, "store.pack");
        using (var pack = PackFixture.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = 1024 })))
        {
            PackFixture.Repo(pack).Main.Set("x", 7);
        }

        using var reopened = PackStore.Open(FileBlockDevice.Open(path));
        Assert.Equal(7, PackFixture.Repo(reopened).Main.Get("x"));
    }

    [Fact]
    public void SecondWriter_IsToldWhoHoldsTheLock()
    {
        var path = Path.Combine(dir, "locked.pack");
        var options = new PackOptions { LockPath = path + ".lock" };
        using var first = PackStore.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = 256 }), "s", "counter", options);
        var e = Assert.Throws<StoreLockedException>(() => PackStore.Open(FileBlockDevice.Open(path), options));
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.Contains($"locked by pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        using var reader = PackStore.Open(FileBlockDevice.Open(path, new FileBlockDeviceOptions { ReadOnly = true }), new PackOptions { ReadOnly = true, LockPath = options.LockPath });
        Assert.Equal("counter", reader.ContentType);
    }

    [Fact]
    public void GarbageImage_IsAClearError()
    {
        var image = new byte[PackFixture.Sector * 64];
        new Random(5).NextBytes(image);
        var e = Assert.Throws<CorruptDataException>(() => PackFixture.Reopen(image));
        Assert.Contains("no valid superblock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceTooSmall_IsAClearError()
    {
        Assert.Throws<CorruptDataException>(() => PackStore.Open(new MemoryBlockDevice(512, 2)));
        Assert.Throws<ArgumentException>(() => PackFixture.Create(new MemoryBlockDevice(512, 8)));
    }

    [Fact]
    public void TruncatedImage_IsAClearError_NotACrash()
    {
        var device = PackFixture.NewDevice();
        using (var pack = PackFixture.Create(device))
        {
            PackFixture.Repo(pack).Main.Set("x", 1);
        }

        var image = device.SnapshotImage()[..(PackFixture.Sector * 4)];
        Assert.Throws<CorruptDataException>(() => PackFixture.Reopen(image));
    }

    [Fact]
    public void ReadOnlyDevice_ReadsAndRefusesWrites()
    {
        var device = PackFixture.NewDevice();
        using (var pack = PackFixture.Create(device))
        {
            PackFixture.Repo(pack).Main.Set("x", 1);
        }

        using var readOnly = PackStore.Open(MemoryBlockDevice.FromImage(device.SnapshotImage(), PackFixture.Sector, readOnly: true));
        var repo = PackFixture.Repo(readOnly);
        Assert.Equal(1, repo.Main.Get("x"));
        Assert.Throws<InvalidOperationException>(() => repo.Main.Set("x", 2));
    }

    [Fact]
    public void FullDevice_IsNoSpace_AndEverythingCommittedBeforeSurvives()
    {
        var device = PackFixture.NewDevice(sectors: 64);
        var pack = PackFixture.Create(device);
        var repo = PackFixture.Repo(pack);
        var committed = new List<int>();
        var e = Assert.Throws<StoreFullException>(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                repo.Main.Set($"k{i}", i);
                committed.Add(i);
            }
        });
        Assert.Contains("no space", e.Message, StringComparison.Ordinal);
        Assert.NotEmpty(committed);
        using var reopened = PackFixture.Reopen(device.SnapshotImage());
        var again = PackFixture.Repo(reopened);
        foreach (var i in committed)
        {
            Assert.Equal(i, again.Main.Get($"k{i}"));
        }

        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Gc_ReclaimsUnreachable_KeepsHistory_AndReopens()
    {
        var device = PackFixture.NewDevice(sectors: 16384);
        Hash kept;
        using (var pack = PackFixture.Create(device))
        {
            using var repo = PackFixture.Repo(pack);
            var root = repo.Main.Set("shared", 1);
            repo.CreateBranch("scratch", root.Hash);
            for (var i = 0; i < 50; i++)
            {
                repo.Branch("scratch").Set($"junk/{i}", i);
            }

            kept = repo.Main.Set("shared", 2).Hash;
            repo.DeleteBranch("scratch");
            var before = pack.Stats(NativeSchema.Instance);
            var result = pack.Gc(NativeSchema.Instance);
            Assert.True(result.DeadObjects >= 50, $"dead {result.DeadObjects}");
            Assert.Equal(before.LiveObjects, result.LiveObjects);
            Assert.Equal(2, repo.Main.Get("shared"));
            Assert.Equal(2, repo.Main.Log().Count());
            Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
        }

        using var reopened = PackFixture.Reopen(device.SnapshotImage());
        var again = PackFixture.Repo(reopened);
        Assert.Equal(kept, again.Main.HeadHash);
        Assert.Equal(1, again.GetCommit(again.Main.Log().Last().Hash) is { } first ? again.TreeOf(first).TryGetValue("shared", out var v) ? again.Decode(v) : -1 : -1);
        var stats = reopened.Stats(NativeSchema.Instance);
        Assert.Equal(0, stats.DeadObjects);
    }

    [Fact]
    public void Gc_Repeatedly_WrapsTheRing_AndKeepsWorking()
    {
        var device = PackFixture.NewDevice(sectors: 512);
        using var pack = PackFixture.Create(device);
        using var repo = PackFixture.Repo(pack);
        for (var round = 0; round < 40; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                repo.Main.Set("counter", round * 10 + i);
            }

            pack.Gc(NativeSchema.Instance, []);
            // Keep history short so the live set stays small: restart main from its tip's tree.
            var head = repo.Main.Head!;
            var fresh = repo.Commit(repo.TreeOf(head), [], repo.Info("squash"));
            Assert.True(repo.CompareAndSwapBranch("main", head.Hash, fresh.Hash));
        }

        Assert.Equal(399, repo.Main.Get("counter"));
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
        using var reopened = PackFixture.Reopen(device.SnapshotImage());
        Assert.Equal(399, PackFixture.Repo(reopened).Main.Get("counter"));
    }
}
