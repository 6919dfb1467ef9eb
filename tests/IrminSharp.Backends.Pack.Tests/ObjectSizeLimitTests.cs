using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>Objects larger than a record can hold are refused before anything is written.</summary>
public sealed class ObjectSizeLimitTests
{
    [Fact]
    public void Set_ValueOverTheRecordLimit_IsRefusedAndTheStoreStaysReadable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"irmin-pack-{Guid.NewGuid():N}.img");
        try
        {
            // A sparse 640 MiB file: room for a 256 MiB record, so only the record limit refuses it.
            using (var pack = PackStore.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = (640L << 20) / 4096 }), NativeSchema.Instance.Name, BytesContents.Instance.Name, null, path))
            {
                using var repo = Repository<byte[]>.Open(pack.Objects, pack.Refs, BytesContents.Instance);
                repo.Main.Set("small", [1, 2, 3]);
                var huge = new byte[RecordHeader.MaxPayload + 1];
                var e = Assert.ThrowsAny<IrminException>(() => repo.Main.Set("huge", huge));
                Assert.IsType<ObjectTooLargeException>(e);
                Assert.Contains("largest", e.Message, StringComparison.Ordinal);
                Assert.False(repo.Main.Contains("huge"));
                Assert.Equal([1, 2, 3], repo.Main.Get("small"));
            }

            using var reopened = PackStore.Open(FileBlockDevice.Open(path), null, path);
            using var again = Repository<byte[]>.Open(reopened.Objects, reopened.Refs, BytesContents.Instance);
            Assert.Equal([1, 2, 3], again.Main.Get("small"));
            Assert.False(again.Main.Contains("huge"));
            Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".lock");
        }
    }

    [Fact]
    public void Add_OverTheConfiguredLimit_ThrowsAndQueuesNothing()
    {
        using var pack = PackFixture.Create(PackFixture.NewDevice(), new PackOptions { MaxObjectBytes = 1000 });
        var big = new byte[1001];
        var hash = Hash.ComputeBlake3(big);
        var e = Assert.Throws<ObjectTooLargeException>(() => pack.Objects.Add(hash, big));
        Assert.Equal(1001, e.Size);
        Assert.Equal(1000, e.Limit);
        Assert.False(pack.Objects.Contains(hash));
        Assert.True(pack.Objects.Add(hash, big.AsSpan(0, 1000)));
    }

    [Fact]
    public void Add_LargerThanASmallDevice_IsRefusedUpFront()
    {
        using var pack = PackFixture.Create(PackFixture.NewDevice(sectors: 64));
        var big = new byte[64 * PackFixture.Sector];
        Assert.Throws<ObjectTooLargeException>(() => pack.Objects.Add(Hash.ComputeBlake3(big), big));
    }
}
