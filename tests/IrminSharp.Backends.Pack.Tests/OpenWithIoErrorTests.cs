using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// A failed read at open is reported as an I/O error, never taken for damage: the pack never falls
/// back to an older root because of it, and never overwrites the newer one.
/// </summary>
public sealed class OpenWithIoErrorTests
{
    [Fact]
    public void Open_ReadErrorOnTheNewestRefs_IsReportedAndLosesNothing()
    {
        var image = TwoCommits(out var refsSector, out _);
        var device = new FaultInjectingBlockDevice(MemoryBlockDevice.FromImage(image, PackFixture.Sector));
        device.FailRead(refsSector);
        Assert.Throws<IOException>(() => PackStore.Open(device, null, "faulty", ownsDevice: false));
        device.Heal();
        using var healed = PackStore.Open(device, null, "healed", ownsDevice: false);
        Assert.Null(healed.RecoveryNote);
        Assert.Equal(2, PackFixture.Repo(healed).Main.Get("k"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Open_ReadErrorOnASuperblock_IsReportedAndLosesNothing(long sector)
    {
        var image = TwoCommits(out _, out _);
        var device = new FaultInjectingBlockDevice(MemoryBlockDevice.FromImage(image, PackFixture.Sector));
        device.FailRead(sector);
        Assert.Throws<IOException>(() => PackStore.Open(device, null, "faulty", ownsDevice: false));
        device.Heal();
        using var healed = PackStore.Open(device, null, "healed", ownsDevice: false);
        Assert.Equal(2, PackFixture.Repo(healed).Main.Get("k"));
    }

    [Fact]
    public void Open_DamagedNewestRoot_WriterRefusesReaderFallsBackRecoveryIsExplicit()
    {
        var image = TwoCommits(out _, out var refsByte);
        image[refsByte + RecordHeader.Size + 1] ^= 0x10;

        var refusal = Assert.Throws<CorruptDataException>(() => PackFixture.Reopen(image));
        Assert.Contains("previous root", refusal.Message, StringComparison.Ordinal);

        using (var reader = PackFixture.Reopen(image, new PackOptions { ReadOnly = true }))
        {
            Assert.NotNull(reader.RecoveryNote);
            Assert.Equal(1, PackFixture.Repo(reader).Main.Get("k"));
        }

        var device = MemoryBlockDevice.FromImage(image, PackFixture.Sector);
        using (var recovered = PackStore.Open(device, new PackOptions { RecoverDamagedRoot = true }, "recovered", ownsDevice: false))
        {
            Assert.NotNull(recovered.RecoveryNote);
            PackFixture.Repo(recovered).Main.Set("k", 5);
        }

        using var after = PackStore.Open(device, null, "after", ownsDevice: false);
        Assert.Null(after.RecoveryNote);
        Assert.Equal(5, PackFixture.Repo(after).Main.Get("k"));
        Assert.True(after.Fsck(NativeSchema.Instance).IsClean);
    }

    /// <summary>A pack whose "k" was 1 then 2, and the sector and byte where its newest refs record starts.</summary>
    private static byte[] TwoCommits(out long refsSector, out long refsByte)
    {
        var device = PackFixture.NewDevice();
        using (var pack = PackFixture.Create(device))
        {
            var repo = PackFixture.Repo(pack);
            repo.Main.Set("k", 1);
            repo.Main.Set("k", 2);
        }

        var image = device.SnapshotImage();
        using var probe = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        var sb = probe.File.Current;
        refsByte = (2 * PackFixture.Sector) + (sb.RefsOffset % probe.File.Log.Capacity);
        refsSector = refsByte / PackFixture.Sector;
        return image;
    }
}
