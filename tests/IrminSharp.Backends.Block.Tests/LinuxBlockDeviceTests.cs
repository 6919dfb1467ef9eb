using IrminSharp.Backends.Pack;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>The O_DIRECT device on a real 64 MiB loop device, attached and detached by each test.</summary>
public sealed class LinuxBlockDeviceTests : BlockDeviceContract
{
    private const long Size = 64L << 20;
    private readonly LoopDevice loop;

    public LinuxBlockDeviceTests()
    {
        loop = new LoopDevice(Size);
        Track(loop);
    }

    protected override IBlockDevice CreateDevice() => LinuxBlockDevice.Open(loop.DevicePath);

    protected override IBlockDevice OpenReadOnly() => LinuxBlockDevice.Open(loop.DevicePath, readOnly: true);

    protected override IBlockDevice Reopen(bool readOnly) => LinuxBlockDevice.Open(loop.DevicePath, readOnly);

    [Fact]
    public void Geometry_ComesFromTheKernel()
    {
        using var device = LinuxBlockDevice.Open(loop.DevicePath);
        Assert.Equal(512, device.SectorSize); // a loop device's default logical block size
        Assert.Equal(Size / 512, device.SectorCount);
        Assert.Equal(loop.DevicePath, device.Path);
    }

    [Fact]
    public void UnalignedCallerBuffers_WorkThroughTheBounceBuffer()
    {
        using var device = LinuxBlockDevice.Open(loop.DevicePath);
        var backing = Pattern((device.SectorSize * 3) + 7, 4);
        var data = backing.AsSpan(7, device.SectorSize * 3);
        device.Write(2, data);
        var back = new byte[(device.SectorSize * 3) + 3];
        device.Read(2, back.AsSpan(3));
        Assert.True(back.AsSpan(3).SequenceEqual(data));
    }

    [Fact]
    public void LargeWrite_BeyondTheBounceBuffer_ReachesTheBackingImage()
    {
        const int Length = (3 << 20) + 512; // three 1 MiB chunks and one more sector
        var data = Pattern(Length, 77);
        using (var device = LinuxBlockDevice.Open(loop.DevicePath))
        {
            device.Write(1000, data);
            device.Flush();
            Assert.Equal(data, ReadBack(device, 1000, Length / 512));
        }

        // The loop device wrote through to its image file.
        using var image = File.OpenRead(loop.ImagePath);
        image.Position = 1000 * 512;
        var onDisk = new byte[Length];
        image.ReadExactly(onDisk);
        Assert.Equal(data, onDisk);
    }

    [Fact]
    public void IsBlockDevice_AsksTheKernel()
    {
        Assert.True(LinuxBlockDevice.IsBlockDevice(loop.DevicePath));
        Assert.False(LinuxBlockDevice.IsBlockDevice(loop.ImagePath));
        Assert.False(LinuxBlockDevice.IsBlockDevice("/dev/null"));
        Assert.False(LinuxBlockDevice.IsBlockDevice("/nonexistent/irmin"));
    }

    [Fact]
    public void BlockDevicesOpen_LoopDevice_GivesLinuxBlockDevice()
    {
        using var device = BlockDevices.Open(loop.DevicePath, readOnly: true);
        var linux = Assert.IsType<LinuxBlockDevice>(device);
        Assert.True(linux.IsReadOnly);
        Assert.Equal(Size, linux.SectorCount * linux.SectorSize);
    }

    [Fact]
    public void Open_RegularFile_IsAClearNotABlockDeviceError()
    {
        var e = Assert.Throws<IOException>(() => LinuxBlockDevice.Open(loop.ImagePath));
        Assert.Contains("not a block device", e.Message, StringComparison.Ordinal);
        Assert.Contains(loop.ImagePath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingPath_CarriesPathAndErrnoText()
    {
        var e = Assert.Throws<IOException>(() => LinuxBlockDevice.Open("/dev/irmin-no-such-device"));
        Assert.Contains("/dev/irmin-no-such-device", e.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_ReadThrowsObjectDisposed()
    {
        var device = LinuxBlockDevice.Open(loop.DevicePath);
        device.Dispose();
        device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => device.Read(0, new byte[512]));
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
}
