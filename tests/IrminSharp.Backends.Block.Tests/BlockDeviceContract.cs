using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>What every block device owes; each kind's tests inherit it.</summary>
public abstract class BlockDeviceContract : IDisposable
{
    private readonly List<IDisposable> cleanup = [];

    /// <summary>A new zeroed device of at least 64 sectors.</summary>
    protected abstract IBlockDevice CreateDevice();

    /// <summary>The same device reopened after dispose, or null where that means nothing.</summary>
    protected virtual IBlockDevice? Reopen(bool readOnly) => null;

    protected void Track(IDisposable disposable) => cleanup.Add(disposable);

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            item.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void WriteThenRead_RoundTrips_AtSeveralOffsets()
    {
        using var device = CreateDevice();
        foreach (var (sector, count) in new[] { (0L, 1), (3L, 2), (device.SectorCount - 4, 4) })
        {
            var data = Pattern(count * device.SectorSize, (int)sector);
            device.Write(sector, data);
            var back = new byte[data.Length];
            device.Read(sector, back);
            Assert.Equal(data, back);
        }

        device.Flush();
    }

    [Fact]
    public void UnwrittenSectors_ReadAsZero()
    {
        using var device = CreateDevice();
        var back = new byte[device.SectorSize * 2];
        device.Read(10, back);
        Assert.All(back, b => Assert.Equal(0, b));
    }

    [Fact]
    public void BadRanges_AreArgumentErrors()
    {
        using var device = CreateDevice();
        Assert.Throws<ArgumentException>(() => device.Read(0, new byte[device.SectorSize + 1]));
        Assert.Throws<ArgumentException>(() => device.Write(0, ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(device.SectorCount, new byte[device.SectorSize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(-1, new byte[device.SectorSize]));
    }

    [Fact]
    public void Data_SurvivesReopen_AndReadOnlyRefusesWrites()
    {
        var device = CreateDevice();
        var data = Pattern(device.SectorSize * 3, 9);
        device.Write(5, data);
        device.Flush();
        device.Dispose();
        using var again = Reopen(readOnly: true);
        if (again is null)
        {
            return;
        }

        var back = new byte[data.Length];
        again.Read(5, back);
        Assert.Equal(data, back);
        Assert.True(again.IsReadOnly);
        Assert.Throws<IOException>(() => again.Write(5, data));
    }
}
