using Xunit;

namespace IrminSharp.Backends.Block.Tests;

public sealed class FileBlockDeviceTests : BlockDeviceContract
{
    private readonly TempFile file = new();

    public FileBlockDeviceTests() => Track(file);

    private string FilePath => file.Path;

    protected override IBlockDevice CreateDevice() =>
        FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { SectorSize = 512, CreateSectors = 128 });

    protected override IBlockDevice OpenReadOnly()
    {
        CreateDevice().Dispose();
        return Reopen(readOnly: true);
    }

    protected override IBlockDevice Reopen(bool readOnly) =>
        FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { SectorSize = 512, ReadOnly = readOnly });

    [Fact]
    public void Create_DefaultSectorSize_Is4096AndSizesTheFile()
    {
        using var device = FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { CreateSectors = 10 });
        Assert.Equal(4096, device.SectorSize);
        Assert.Equal(10, device.SectorCount);
        Assert.Equal(10 * 4096, new FileInfo(FilePath).Length);
    }

    [Fact]
    public void Create_FileAlreadyExists_OpensItUnchanged()
    {
        var content = Pattern(4 * 512, 3);
        File.WriteAllBytes(FilePath, content);
        using var device = FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { SectorSize = 512, CreateSectors = 100 });
        Assert.Equal(4, device.SectorCount);
        Assert.Equal(content, ReadBack(device, 0, 4));
    }

    [Fact]
    public void Write_ThenFlush_IsInTheFileAtSectorOffset()
    {
        var data = Pattern(512, 8);
        using (var device = CreateDevice())
        {
            device.Write(6, data);
            device.Flush();
        }

        var bytes = File.ReadAllBytes(FilePath);
        Assert.Equal(data, bytes.AsSpan(6 * 512, 512).ToArray());
    }

    [Fact]
    public void Open_NotAWholeNumberOfSectors_ThrowsClearIOException()
    {
        File.WriteAllBytes(FilePath, new byte[1000]);
        var e = Assert.Throws<IOException>(() => FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { SectorSize = 512 }));
        Assert.Contains("not a whole number", e.Message, StringComparison.Ordinal);
        Assert.Contains(FilePath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShorterThanOneSector_ThrowsClearIOException()
    {
        File.WriteAllBytes(FilePath, new byte[100]);
        var e = Assert.Throws<IOException>(() => FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions()));
        Assert.Contains("shorter than one 4096-byte sector", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingFileWithoutCreate_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions()));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Options_UnsupportedSectorSizeOrReadOnlyCreate_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FileBlockDeviceOptions { SectorSize = 1000 });
        Assert.Throws<ArgumentException>(() => FileBlockDevice.Open(FilePath, new FileBlockDeviceOptions { CreateSectors = 4, ReadOnly = true }));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void BlockDevicesOpen_RegularFile_GivesFileBlockDevice()
    {
        CreateDevice().Dispose();
        using (var device = BlockDevices.Open(FilePath, readOnly: true))
        {
            Assert.IsType<FileBlockDevice>(device);
            Assert.True(device.IsReadOnly);
            Assert.Equal(4096, device.SectorSize);
            Assert.Equal(128 * 512 / 4096, device.SectorCount);
        }

        Assert.False(LinuxBlockDevice.IsBlockDevice(FilePath));
    }

    [Fact]
    public void WriterLockPath_IsTheFilesPathPlusLock_ForWritersAndReaders()
    {
        using (var device = CreateDevice())
        {
            Assert.Equal(FilePath + ".lock", device.WriterLockPath);
            Assert.Equal(FilePath + ".lock", ((IBlockDevice)device).WriterLockPath);
        }

        using var reader = Reopen(readOnly: true);
        Assert.Equal(FilePath + ".lock", reader.WriterLockPath);
    }

    [Fact]
    public void WriterLockPath_ThroughASymlinkOrDotDotPath_IsTheSame()
    {
        CreateDevice().Dispose();
        var dir = Directory.CreateTempSubdirectory("irmin-block-link-").FullName;
        try
        {
            var link = Path.Combine(dir, "link.img");
            File.CreateSymbolicLink(link, FilePath);
            var linkedDir = Path.Combine(dir, "linked-dir");
            Directory.CreateSymbolicLink(linkedDir, Path.GetDirectoryName(FilePath)!);
            var viaDir = Path.Combine(linkedDir, Path.GetFileName(FilePath));
            var dotDot = Path.Combine(Path.GetDirectoryName(FilePath)!, "..", Path.GetFileName(Path.GetDirectoryName(FilePath)!), Path.GetFileName(FilePath));

            using var direct = FileBlockDevice.Open(FilePath);
            foreach (var path in new[] { link, viaDir, dotDot })
            {
                using var other = FileBlockDevice.Open(path);
                Assert.Equal(direct.WriterLockPath, other.WriterLockPath);
                Assert.Equal(path, other.Path);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
