using IrminSharp.Backends.Pack;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>The O_DIRECT device on a real loop device, created and detached by the test.</summary>
public sealed class LinuxBlockDeviceTests : BlockDeviceContract
{
    private readonly LoopDevice loop;

    public LinuxBlockDeviceTests()
    {
        loop = new LoopDevice(16L << 20);
        Track(loop);
    }

    protected override IBlockDevice CreateDevice() => LinuxBlockDevice.Open(loop.DevicePath);

    protected override IBlockDevice? Reopen(bool readOnly) => LinuxBlockDevice.Open(loop.DevicePath, readOnly);

    [Fact]
    public void Size_ComesFromTheKernel()
    {
        using var device = LinuxBlockDevice.Open(loop.DevicePath);
        Assert.Equal(16L << 20, device.SectorCount * device.SectorSize);
        Assert.True(BlockDevices.IsDevicePath(loop.DevicePath));
    }

    [Fact]
    public void UnalignedCallerBuffers_WorkThroughTheBounceBuffer()
    {
        using var device = LinuxBlockDevice.Open(loop.DevicePath);
        var backing = new byte[(device.SectorSize * 3) + 7];
        new Random(4).NextBytes(backing);
        var data = backing.AsSpan(7, device.SectorSize * 3);
        device.Write(2, data);
        var back = new byte[(device.SectorSize * 3) + 3];
        device.Read(2, back.AsSpan(3));
        Assert.True(back.AsSpan(3).SequenceEqual(data));
    }

    [Fact]
    public void PackOnALoopDevice_CommitsAndReopens()
    {
        using (var pack = PackStore.Create(LinuxBlockDevice.Open(loop.DevicePath), NativeSchema.Instance.Name, "counter"))
        {
            using var repo = Repository<long>.Open(pack.Objects, pack.Refs, Merge.CounterContents.Instance);
            for (var i = 0; i < 20; i++)
            {
                repo.Main.Set($"k{i % 5}", i);
            }
        }

        using var reopened = PackStore.Open(LinuxBlockDevice.Open(loop.DevicePath));
        using var again = Repository<long>.Open(reopened.Objects, reopened.Refs, Merge.CounterContents.Instance);
        Assert.Equal(19, again.Main.Get("k4"));
        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void NotABlockDevice_IsAClearError()
    {
        var file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<IOException>(() => LinuxBlockDevice.Open(file));
            Assert.Contains("not a block device", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
