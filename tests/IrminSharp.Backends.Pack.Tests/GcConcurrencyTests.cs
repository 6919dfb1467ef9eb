using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>gc beside writers and readers: nothing a ref names is collected, and moved objects are found again.</summary>
public sealed class GcConcurrencyTests
{
    [Fact]
    public void Gc_WriterRecreatesGarbageDuringTheWalk_KeepsIt()
    {
        // "b" = 7 is written, then main is moved back: its contents object is garbage. While gc
        // walks the live objects, a writer sets "b" = 7 again: the contents object exists, so
        // nothing new is written for it, and the writer's new commit names it.
        var device = PackFixture.NewDevice();
        using var pack = PackFixture.Create(device);
        using var repo = PackFixture.Repo(pack);
        var start = repo.Main.Set("a", 1);
        var garbage = repo.Main.Set("b", 7);
        Assert.True(repo.Main.TrySetHead(garbage.Hash, start.Hash));
        Exception? writerFailure = null;
        var writerDoneDuringTheWalk = false;
        var schema = new HookedSchema(() =>
        {
            var writer = new Thread(() =>
            {
                try
                {
                    repo.Main.Set("b", 7, "recreate");
                }
                catch (Exception e)
                {
                    writerFailure = e;
                }
            });
            writer.Start();

            // Code as it was held the commit path during the walk: the writer then waits for gc.
            writerDoneDuringTheWalk = writer.Join(TimeSpan.FromSeconds(10));
        });

        pack.Gc(schema);

        // The hard case happened: the garbage was re-created while gc walked, not after.
        Assert.True(writerDoneDuringTheWalk, "the writer did not finish during gc's walk");
        SpinWait.SpinUntil(() => repo.Main.Head?.Info.Message == "recreate", TimeSpan.FromSeconds(10));
        Assert.Null(writerFailure);
        Assert.Equal(7, repo.Main.Get("b"));
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean, string.Join("; ", pack.Fsck(NativeSchema.Instance).Problems));
        using var reopened = PackFixture.Reopen(device.SnapshotImage(), new PackOptions { ReadOnly = true });
        Assert.Equal(7, PackFixture.Repo(reopened).Main.Get("b"));
        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Gc_WriterNamesAGarbageCommitDuringTheWalk_KeepsItsHistory()
    {
        var device = PackFixture.NewDevice();
        using var pack = PackFixture.Create(device);
        using var repo = PackFixture.Repo(pack);
        var start = repo.Main.Set("a", 0, "start");
        var old = repo.Main.Set("x", 1, "old");
        Assert.True(repo.Main.TrySetHead(old.Hash, start.Hash));

        // "old" is garbage when gc starts; during the walk a writer names it with a new branch.
        var writerDoneDuringTheWalk = false;
        var schema = new HookedSchema(() =>
        {
            var t = new Thread(() => repo.Refs.CompareAndSwap("heads/side", null, old.Hash, out _));
            t.Start();
            writerDoneDuringTheWalk = t.Join(TimeSpan.FromSeconds(10));
        });

        pack.Gc(schema);
        Assert.True(writerDoneDuringTheWalk, "the branch was not created during gc's walk");
        SpinWait.SpinUntil(() => repo.TryGetBranch("side", out _), TimeSpan.FromSeconds(10));
        Assert.Equal(1, repo.Branch("side").Get("x"));
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
        using var reopened = PackFixture.Reopen(device.SnapshotImage(), new PackOptions { ReadOnly = true });
        Assert.Equal(1, PackFixture.Repo(reopened).Branch("side").Get("x"));
    }

    [Fact]
    public void Gc_CachedObjectsOfCollectedCommits_AreNotHandedOutAsStored()
    {
        var device = PackFixture.NewDevice();
        using var pack = PackFixture.Create(device);
        using var repo = PackFixture.Repo(pack);
        repo.Main.Set("a", 1);
        var doomed = repo.Main.Set("a", 2, "doomed");
        Assert.True(repo.Objects.Contains(doomed.Hash));
        repo.Main.TrySetHead(doomed.Hash, doomed.Parents[0]);
        pack.Gc(NativeSchema.Instance);
        Assert.False(pack.Objects.Contains(doomed.Hash));
        Assert.False(pack.Objects.TryRead(doomed.Hash, out _));

        // Setting a ref to the collected commit is refused, not written as a dangling ref.
        Assert.Throws<ObjectNotFoundException>(() => repo.Refs.CompareAndSwap("heads/main", repo.Main.HeadHash, doomed.Hash, out _));
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Reader_OpenedBeforeAGcThatWrapsTheRing_FindsMovedObjects()
    {
        // A small ring, so that after gc new writes soon overwrite where the old log was.
        var device = new MemoryBlockDevice(PackFixture.Sector, 256, recordWrites: false);
        using var writer = PackFixture.Create(device, new PackOptions { CheckpointEvery = 8 });
        using var repo = PackFixture.Repo(writer);
        repo.Main.Set("keep", 42);
        for (var i = 0; i < 20; i++)
        {
            repo.Main.Set("churn", i);
        }

        writer.Flush();
        using var reader = PackStore.Open(device, new PackOptions { ReadOnly = true, CacheBytes = 0 }, "reader", ownsDevice: false);
        var readerRepo = PackFixture.Repo(reader);
        Assert.True(readerRepo.Objects.TryFindEntry(readerRepo.Main.Head!.Root, "keep", out var entry));
        var keep = entry.Hash;
        Assert.True(reader.File.TryLocate(keep, out var before));

        writer.Gc(NativeSchema.Instance);
        for (var i = 0; writer.File.Current.LogEnd < before.Offset + before.Length + writer.File.Log.Capacity && i < 5000; i++)
        {
            repo.Main.Set("churn", 100 + i);
            if (i % 40 == 39)
            {
                writer.Gc(NativeSchema.Instance);
            }
        }

        Assert.True(writer.File.Current.LogEnd >= before.Offset + before.Length + writer.File.Log.Capacity, "the ring did not wrap over the old location");

        // The old location now holds other records; the reader looks again at the newest root.
        Assert.True(reader.Objects.TryRead(keep, out var bytes));
        Assert.Equal(keep, NativeSchema.Instance.ComputeHash(bytes.Span));
    }
}
