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
    public void Open_SecondWritableOpen_IsRefusedAsBusy()
    {
        using var writer = LinuxBlockDevice.Open(loop.DevicePath);
        var e = Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(loop.DevicePath).Dispose());
        Assert.IsAssignableFrom<IOException>(e);
        Assert.Contains(loop.DevicePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("busy", e.Message, StringComparison.Ordinal);
        Assert.Equal(loop.DevicePath, e.DevicePath);
        Assert.Equal(writer.WriterLockPath, e.WriterLockPath);
    }

    [Fact]
    public void Open_WritableThroughASymlinkOrSecondNode_IsBusyToo()
    {
        var link = loop.MakeSymlink("by-id-link");
        var node = loop.MakeSecondNode("second-node");
        using var writer = LinuxBlockDevice.Open(loop.DevicePath);
        Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(link).Dispose());
        Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(node).Dispose());
    }

    [Fact]
    public void Open_ReadOnly_CoexistsWithTheWriter_InEitherOrder()
    {
        using (var reader = LinuxBlockDevice.Open(loop.DevicePath, readOnly: true))
        using (var writer = LinuxBlockDevice.Open(loop.DevicePath))
        using (var second = LinuxBlockDevice.Open(loop.DevicePath, readOnly: true))
        {
            var data = Pattern(512, 31);
            writer.Write(3, data);
            writer.Flush();
            Assert.Equal(data, ReadBack(reader, 3, 1));
            Assert.Equal(data, ReadBack(second, 3, 1));
        }

        // Closing the writer releases the exclusive claim.
        using var next = LinuxBlockDevice.Open(loop.DevicePath);
        Assert.False(next.IsReadOnly);
    }

    [Fact]
    public void WriterLockPath_IsKeyedByTheDeviceNumber_WhicheverPathOpensIt()
    {
        var (major, minor) = loop.Numbers;
        var expected = $"/run/lock/irmin-dev-{major}-{minor}.lock";
        var link = loop.MakeSymlink("by-id-link");
        var node = loop.MakeSecondNode("second-node");
        using var direct = LinuxBlockDevice.Open(loop.DevicePath);
        using var viaLink = LinuxBlockDevice.Open(link, readOnly: true);
        using var viaNode = LinuxBlockDevice.Open(node, readOnly: true);
        Assert.Equal(expected, direct.WriterLockPath);
        Assert.Equal(expected, viaLink.WriterLockPath);
        Assert.Equal(expected, viaNode.WriterLockPath);
        Assert.Equal(expected, ((IBlockDevice)viaNode).WriterLockPath);
        using var opened = BlockDevices.Open(link, readOnly: true);
        Assert.Equal(expected, opened.WriterLockPath);
    }

    [Fact]
    public void WriterLockPath_OfAnotherLoopDevice_Differs()
    {
        using var other = new LoopDevice(1 << 20);
        using var first = LinuxBlockDevice.Open(loop.DevicePath, readOnly: true);
        using var second = LinuxBlockDevice.Open(other.DevicePath, readOnly: true);
        Assert.NotEqual(first.WriterLockPath, second.WriterLockPath);
    }

    [Fact]
    public void BusyDevice_HeldByAPackWriter_BecomesStoreLockedNamingThePid()
    {
        var device = LinuxBlockDevice.Open(loop.DevicePath);
        using var writer = PackStore.Create(device, NativeSchema.Instance.Name, "counter", new PackOptions { LockPath = device.WriterLockPath });
        var busy = Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(loop.DevicePath).Dispose());
        var e = StoreLockedException.FromBusyDevice(loop.DevicePath, busy);
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.Contains($"store {loop.DevicePath} is locked by pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        Assert.Same(busy, e.InnerException);
    }

    [Fact]
    public void BusyDevice_HeldWithoutTheWriterLock_BecomesStoreLockedWithoutAPid()
    {
        // A stale pid in the lock file must not be reported: nobody holds the lock.
        using var raw = LinuxBlockDevice.Open(loop.DevicePath);
        File.WriteAllText(raw.WriterLockPath!, "1\n");
        var busy = Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(loop.DevicePath).Dispose());
        var e = StoreLockedException.FromBusyDevice(loop.DevicePath, busy);
        Assert.Null(e.Pid);
        Assert.Contains($"store {loop.DevicePath} is in use", e.Message, StringComparison.Ordinal);
        Assert.Contains("mounted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WritableWhileMounted_IsBusy_ButReadOnlyOpens()
    {
        LoopDevice.Run("mkfs.ext4", "-q", "-F", loop.DevicePath);
        var mountPoint = Directory.CreateTempSubdirectory("irmin-mnt-").FullName;
        try
        {
            LoopDevice.Run("mount", loop.DevicePath, mountPoint);
            try
            {
                var busy = Assert.Throws<DeviceBusyException>(() => LinuxBlockDevice.Open(loop.DevicePath).Dispose());
                var e = StoreLockedException.FromBusyDevice(loop.DevicePath, busy);
                Assert.Null(e.Pid);
                Assert.Contains("is in use", e.Message, StringComparison.Ordinal);
                using var reader = LinuxBlockDevice.Open(loop.DevicePath, readOnly: true);
                Assert.True(reader.IsReadOnly);
            }
            finally
            {
                LoopDevice.Run("umount", mountPoint);
            }
        }
        finally
        {
            Directory.Delete(mountPoint);
        }
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
