using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Objects a failed write left waiting (a full device) can be dropped by whoever added them, so
/// that later commits do not carry them again and fail in turn; what is stored is untouched.
/// </summary>
public sealed class DiscardTests
{
    [Fact]
    public void Objects_left_by_a_write_that_found_the_device_full_are_dropped_and_later_commits_succeed()
    {
        var device = PackFixture.NewDevice(sectors: 256);
        var pack = PackFixture.Create(device);
        var repo = PackFixture.Repo(pack);
        repo.Main.Set("x", 1);

        // A transfer's objects, more than the device holds.
        var junk = new List<Hash>();
        for (var i = 0; i < 64; i++)
        {
            var bytes = new byte[4096];
            new Random(i).NextBytes(bytes);
            bytes[0] = 1; // contents
            var hash = NativeSchema.Instance.ComputeHash(bytes);
            pack.Objects.Add(hash, bytes);
            junk.Add(hash);
        }

        Assert.Throws<StoreFullException>(() => pack.Objects.Flush());
        var collections = pack.Objects.Collections;
        Assert.True(pack.Objects.Discard(junk));
        Assert.NotEqual(collections, pack.Objects.Collections);
        Assert.DoesNotContain(junk, pack.Objects.Contains);

        repo.Main.Set("y", 2);
        Assert.Equal(1, repo.Main.Get("x"));
        using var reopened = PackFixture.Reopen(device.SnapshotImage());
        var again = PackFixture.Repo(reopened);
        Assert.Equal(1, again.Main.Get("x"));
        Assert.Equal(2, again.Main.Get("y"));
        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Written_objects_are_not_dropped()
    {
        var device = PackFixture.NewDevice();
        using var pack = PackFixture.Create(device);
        using var repo = PackFixture.Repo(pack);
        var commit = repo.Main.Set("x", 1);
        Assert.False(pack.Objects.Discard([commit.Hash, commit.Root]));
        Assert.True(pack.Objects.Contains(commit.Hash));
        Assert.Equal(1, repo.Main.Get("x"));
    }
}
