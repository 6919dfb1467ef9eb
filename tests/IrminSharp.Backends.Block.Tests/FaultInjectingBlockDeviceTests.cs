using Xunit;

namespace IrminSharp.Backends.Block.Tests;

public sealed class FaultInjectingBlockDeviceTests : BlockDeviceContract
{
    private MemoryBlockDevice? last;

    protected override IBlockDevice CreateDevice() => new FaultInjectingBlockDevice(last = new MemoryBlockDevice(512, 128));

    protected override IBlockDevice OpenReadOnly() =>
        new FaultInjectingBlockDevice(MemoryBlockDevice.FromImage(new byte[512 * 64], 512, readOnly: true));

    protected override IBlockDevice Reopen(bool readOnly) =>
        new FaultInjectingBlockDevice(MemoryBlockDevice.FromImage(last!.SnapshotImage(), 512, readOnly));

    private static byte[] Filled(byte value, int sectors = 1) => Enumerable.Repeat(value, 512 * sectors).ToArray();

    [Fact]
    public void WriterLockPath_IsTheInnerDevices()
    {
        using var file = new TempFile();
        using (var overFile = new FaultInjectingBlockDevice(FileBlockDevice.Open(file.Path, new FileBlockDeviceOptions { CreateSectors = 4 })))
        {
            Assert.Equal(file.Path + ".lock", overFile.WriterLockPath);
            Assert.Equal(file.Path + ".lock", ((IBlockDevice)overFile).WriterLockPath);
        }

        using var overMemory = new FaultInjectingBlockDevice(new MemoryBlockDevice(512, 4));
        Assert.Null(overMemory.WriterLockPath);
    }

    [Fact]
    public void PowerCut_AfterKWrites_KeepsThemAndRefusesLaterWritesAndFlush()
    {
        var memory = new MemoryBlockDevice(512, 16);
        using var device = new FaultInjectingBlockDevice(memory) { FailAfterWrites = 3 };
        device.Write(0, Filled(1));
        device.Flush();
        device.Write(1, Filled(2, 2));
        Assert.False(device.PowerLost);
        device.Write(4, Filled(3));
        Assert.True(device.PowerLost);

        var e = Assert.Throws<IOException>(() => device.Write(5, Filled(4)));
        Assert.Contains("device lost power", e.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => device.Write(0, Filled(9)));
        Assert.Throws<IOException>(() => device.Flush());

        Assert.Equal(3, device.WriteCount);
        Assert.Equal(3, device.Writes.Count);
        var image = memory.SnapshotImage();
        var expected = new byte[16 * 512];
        Filled(1).CopyTo(expected, 0);
        Filled(2, 2).CopyTo(expected, 512);
        Filled(3).CopyTo(expected, 4 * 512);
        Assert.Equal(expected, image);

        // Reads still reach the device, to inspect what survived.
        Assert.Equal(Filled(1), ReadBack(device, 0, 1));
    }

    [Fact]
    public void PowerCut_AtZero_RefusesTheFirstWrite()
    {
        var memory = new MemoryBlockDevice(512, 8);
        using var device = new FaultInjectingBlockDevice(memory) { FailAfterWrites = 0 };
        Assert.Throws<IOException>(() => device.Write(0, Filled(1)));
        Assert.Throws<IOException>(() => device.Flush());
        Assert.Empty(memory.Writes);
        Assert.Equal(0, device.Flushes);
    }

    [Fact]
    public void FailRead_OnASector_FailsReadsTouchingItOnly()
    {
        using var device = new FaultInjectingBlockDevice(new MemoryBlockDevice(512, 16));
        device.Write(4, Filled(7, 3));
        device.FailRead(5);
        var e = Assert.Throws<IOException>(() => device.Read(4, new byte[3 * 512]));
        Assert.Contains("sector 5", e.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => device.Read(5, new byte[512]));
        Assert.Equal(Filled(7), ReadBack(device, 4, 1));
        Assert.Equal(Filled(7), ReadBack(device, 6, 1));
        device.Heal();
        Assert.Equal(Filled(7, 3), ReadBack(device, 4, 3));
    }

    [Fact]
    public void FailWrite_OnASector_FailsAndIsNotApplied()
    {
        var memory = new MemoryBlockDevice(512, 16);
        using var device = new FaultInjectingBlockDevice(memory);
        device.FailWrite(6);
        Assert.Throws<IOException>(() => device.Write(5, Filled(1, 2)));
        Assert.Throws<IOException>(() => device.Write(6, Filled(1)));
        Assert.All(memory.SnapshotImage(), b => Assert.Equal(0, b));
        Assert.Equal(0, device.WriteCount);

        device.Write(7, Filled(2));
        Assert.Equal(Filled(2), ReadBack(memory, 7, 1));
        Assert.Equal(1, device.WriteCount);
    }

    [Fact]
    public void FlipBitOnRead_FlipsExactlyThatBit_WithoutChangingStoredData()
    {
        var memory = new MemoryBlockDevice(512, 16);
        using var device = new FaultInjectingBlockDevice(memory);
        var data = Pattern(3 * 512, 21);
        device.Write(2, data);
        device.FlipBitOnRead(3, 9);       // sector 3, byte 1, mask 0x02
        device.FlipBitOnRead(4, 4095);    // sector 4, byte 511, mask 0x80

        var expected = (byte[])data.Clone();
        expected[512 + 1] ^= 0x02;
        expected[1024 + 511] ^= 0x80;
        Assert.Equal(expected, ReadBack(device, 2, 3));

        var single = ReadBack(device, 3, 1);
        Assert.Equal(data[512 + 1] ^ 0x02, single[1]);
        Assert.Equal(data, ReadBack(memory, 2, 3));

        device.Heal();
        Assert.Equal(data, ReadBack(device, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FlipBitOnRead(0, 512 * 8));
    }

    [Fact]
    public void Writes_RecordTheStreamWithFlushEpochs()
    {
        using var device = new FaultInjectingBlockDevice(new MemoryBlockDevice(512, 16, recordWrites: false));
        var buffer = Filled(1);
        device.Write(0, buffer);
        device.Write(3, Filled(2, 2));
        device.Flush();
        device.Write(9, Filled(3));
        device.Flush();
        device.Flush();
        device.Write(1, Filled(4));
        buffer[0] = 99; // recorded bytes are a copy

        var writes = device.Writes;
        Assert.Equal(new[] { 0L, 3L, 9L, 1L }, writes.Select(w => w.Sector));
        Assert.Equal(new[] { 0, 0, 1, 3 }, writes.Select(w => w.FlushesBefore));
        Assert.Equal(Filled(1), writes[0].Data.ToArray());
        Assert.Equal(Filled(2, 2), writes[1].Data.ToArray());
        Assert.Equal(3, device.Flushes);
    }
}
