namespace IrminSharp.Backends.Block.Tests;

public sealed class FileBlockDeviceTests : BlockDeviceContract
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"irmin-file-{Guid.NewGuid():N}.img");

    public FileBlockDeviceTests() => Track(new Deleter(path));

    protected override IBlockDevice CreateDevice() =>
        FileBlockDevice.Open(path, new FileBlockDeviceOptions { SectorSize = 512, CreateSectors = 128 });

    protected override IBlockDevice? Reopen(bool readOnly) =>
        FileBlockDevice.Open(path, new FileBlockDeviceOptions { SectorSize = 512, ReadOnly = readOnly });

    [Xunit.Fact]
    public void NotAWholeNumberOfSectors_IsAClearError()
    {
        File.WriteAllBytes(path, new byte[1000]);
        var e = Xunit.Assert.Throws<IOException>(() => FileBlockDevice.Open(path, new FileBlockDeviceOptions { SectorSize = 512 }));
        Xunit.Assert.Contains("not a whole number", e.Message, StringComparison.Ordinal);
    }

    private sealed class Deleter(string file) : IDisposable
    {
        public void Dispose() => File.Delete(file);
    }
}
