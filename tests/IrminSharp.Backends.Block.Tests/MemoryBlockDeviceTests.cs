using Xunit;

namespace IrminSharp.Backends.Block.Tests;

public sealed class MemoryBlockDeviceTests : BlockDeviceContract
{
    private MemoryBlockDevice? last;

    protected override IBlockDevice CreateDevice() => last = new MemoryBlockDevice(512, 128);

    protected override IBlockDevice OpenReadOnly() => MemoryBlockDevice.FromImage(new byte[512 * 64], 512, readOnly: true);

    protected override IBlockDevice Reopen(bool readOnly) => MemoryBlockDevice.FromImage(last!.SnapshotImage(), 512, readOnly);

    [Fact]
    public void WriterLockPath_IsNull_OneProcessOnly()
    {
        using var device = new MemoryBlockDevice(512, 8);
        Assert.Null(device.WriterLockPath);
        Assert.Null(((IBlockDevice)device).WriterLockPath);
    }

    [Fact]
    public void Writes_RecordSectorBytesAndFlushEpoch()
    {
        var device = new MemoryBlockDevice(512, 8);
        var a = Pattern(512, 1);
        var bc = Pattern(1024, 2);
        device.Write(3, a);
        device.Flush();
        device.Write(5, bc);
        a[0] ^= 0xFF; // the record is a copy, not the caller's buffer

        var writes = device.Writes;
        Assert.Equal(2, writes.Count);
        Assert.Equal((3L, 0), (writes[0].Sector, writes[0].FlushesBefore));
        Assert.Equal((5L, 1), (writes[1].Sector, writes[1].FlushesBefore));
        Assert.Equal(Pattern(512, 1), writes[0].Data.ToArray());
        Assert.Equal(bc, writes[1].Data.ToArray());
        Assert.Equal(1, device.Flushes);
    }

    [Fact]
    public void Writes_NotRecording_StaysEmpty()
    {
        var device = new MemoryBlockDevice(512, 8, recordWrites: false);
        device.Write(0, new byte[512]);
        Assert.Empty(device.Writes);
    }

    [Fact]
    public void FromImage_CopiesTheImage_AndSnapshotIsACopy()
    {
        var image = Pattern(8 * 512, 4);
        var device = MemoryBlockDevice.FromImage(image, 512);
        image[0] ^= 0xFF;
        Assert.Equal(8, device.SectorCount);
        Assert.Equal(Pattern(512, 4)[0], ReadBack(device, 0, 1)[0]);

        var snapshot = device.SnapshotImage();
        snapshot[1] ^= 0xFF;
        Assert.Equal(Pattern(8 * 512, 4), device.SnapshotImage());
    }

    [Fact]
    public void Construct_BadGeometry_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new MemoryBlockDevice(500, 8));
        Assert.Throws<ArgumentException>(() => new MemoryBlockDevice(512, 0));
        Assert.Throws<ArgumentException>(() => MemoryBlockDevice.FromImage(new byte[700], 512));
    }
}
