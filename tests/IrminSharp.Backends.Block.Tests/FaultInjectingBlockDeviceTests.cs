using Xunit;

namespace IrminSharp.Backends.Block.Tests;

public sealed class FaultInjectingBlockDeviceTests : BlockDeviceContract
{
    protected override IBlockDevice CreateDevice() => new FaultInjectingBlockDevice(new MemoryBlockDevice(512, 128));

    [Fact]
    public void PowerCut_AfterKWrites_KeepsThemAndRefusesTheRest()
    {
        var memory = new MemoryBlockDevice(512, 16);
        using var device = new FaultInjectingBlockDevice(memory) { FailAfterWrites = 2 };
        device.Write(0, Filled(1));
        device.Write(1, Filled(2));
        Assert.Throws<IOException>(() => device.Write(2, Filled(3)));
        Assert.Throws<IOException>(() => device.Flush());
        var image = memory.SnapshotImage();
        Assert.Equal(1, image[0]);
        Assert.Equal(2, image[512]);
        Assert.Equal(0, image[1024]);
    }

    [Fact]
    public void InjectedErrorsAndFlips_ShowOnTheirSectors()
    {
        using var device = new FaultInjectingBlockDevice(new MemoryBlockDevice(512, 16));
        device.Write(3, Filled(0));
        device.FailRead(5);
        device.FailWrite(6);
        device.FlipBitOnRead(3, 9);
        Assert.Throws<IOException>(() => device.Read(4, new byte[1024]));
        Assert.Throws<IOException>(() => device.Write(6, Filled(1)));
        var back = new byte[512];
        device.Read(3, back);
        Assert.Equal(2, back[1]);
        device.Heal();
        device.Read(3, back);
        Assert.Equal(0, back[1]);
    }

    [Fact]
    public void CrashImages_AreExactlyPrefixTornAndReordered()
    {
        var memory = new MemoryBlockDevice(512, 8, recordWrites: true);
        var baseImage = memory.SnapshotImage();
        memory.Write(0, Filled(1));            // epoch 0
        memory.Flush();
        memory.Write(1, Filled(2));            // epoch 1
        memory.Write(2, [.. Filled(3), .. Filled(4)]); // epoch 1, two sectors
        var writes = memory.Writes;
        var prefix = CrashImages.Prefix(baseImage, writes, 512, 2);
        Assert.Equal((1, 2, 0), (prefix[0], prefix[512], prefix[1024]));

        var torn = CrashImages.Torn(baseImage, writes, 512, 3);
        Assert.Equal(3, torn[1024]);        // first sector of the last write is whole
        Assert.Equal(4, torn[1536]);        // the torn sector: first half new
        Assert.Equal(0, torn[1536 + 256]);  // second half old

        for (var seed = 0; seed < 20; seed++)
        {
            var reordered = CrashImages.Reordered(baseImage, writes, 512, 3, seed);
            Assert.Equal(1, reordered[0]);  // flushed before: always kept
            Assert.True(reordered[512] is 0 or 2);
            Assert.True(reordered[1024] is 0 or 3);
        }

        Assert.Contains(Enumerable.Range(0, 20), s => CrashImages.Reordered(baseImage, writes, 512, 3, s)[512] == 0);
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 512).ToArray();
}
