using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>What every block device owes; each device kind's test class inherits it.</summary>
public abstract class BlockDeviceContract : IDisposable
{
    private readonly List<IDisposable> cleanup = [];

    /// <summary>A new, zeroed, writable device of at least 64 sectors.</summary>
    protected abstract IBlockDevice CreateDevice();

    /// <summary>A read-only device of at least 64 sectors.</summary>
    protected abstract IBlockDevice OpenReadOnly();

    /// <summary>The device last made by <see cref="CreateDevice"/>, reopened after it was disposed.</summary>
    protected abstract IBlockDevice Reopen(bool readOnly);

    /// <summary>Registers something to dispose after the test, pass or fail (in reverse order).</summary>
    protected void Track(IDisposable disposable) => cleanup.Add(disposable);

    public void Dispose()
    {
        List<Exception> errors = [];
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            try
            {
                item.Dispose();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("cleanup failed", errors);
        }
    }

    protected static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static byte[] ReadBack(IBlockDevice device, long sector, int sectors)
    {
        var back = new byte[sectors * device.SectorSize];
        device.Read(sector, back);
        return back;
    }

    [Fact]
    public void Geometry_IsAWholeDevice_WithASupportedSectorSize()
    {
        using var device = CreateDevice();
        Assert.Contains(device.SectorSize, new[] { 512, 1024, 2048, 4096 });
        Assert.True(device.SectorCount >= 64, $"{device.SectorCount} sectors");
        Assert.False(device.IsReadOnly);
    }

    [Fact]
    public void WriteThenRead_AtSeveralOffsets_RoundTrips()
    {
        using var device = CreateDevice();
        var last = device.SectorCount;
        var cases = new[] { (0L, 1), (1L, 1), (7L, 5), (33L, 16), (last - 1, 1), (last - 3, 2) };
        foreach (var (sector, count) in cases)
        {
            var data = Pattern(count * device.SectorSize, (int)sector);
            device.Write(sector, data);
            Assert.Equal(data, ReadBack(device, sector, count));
        }

        // Every write is still intact after the later ones (no overlap in the cases).
        foreach (var (sector, count) in cases)
        {
            Assert.Equal(Pattern(count * device.SectorSize, (int)sector), ReadBack(device, sector, count));
        }
    }

    [Fact]
    public void Write_OverPartOfEarlierWrite_ReplacesOnlyThoseSectors()
    {
        using var device = CreateDevice();
        var size = device.SectorSize;
        var first = Pattern(4 * size, 1);
        var second = Pattern(size, 2);
        device.Write(10, first);
        device.Write(12, second);
        var expected = (byte[])first.Clone();
        second.CopyTo(expected, 2 * size);
        Assert.Equal(expected, ReadBack(device, 10, 4));
        Assert.All(ReadBack(device, 9, 1), b => Assert.Equal(0, b));
        Assert.All(ReadBack(device, 14, 1), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Read_UnwrittenSectors_ReturnsZeros()
    {
        using var device = CreateDevice();
        foreach (var sector in new[] { 0L, device.SectorCount / 2, device.SectorCount - 2 })
        {
            Assert.All(ReadBack(device, sector, 2), b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Transfer_NotAWholeNumberOfSectors_ThrowsArgumentException()
    {
        using var device = CreateDevice();
        var size = device.SectorSize;
        Assert.Throws<ArgumentException>(() => device.Read(0, new byte[size + 1]));
        Assert.Throws<ArgumentException>(() => device.Read(0, new byte[size - 1]));
        Assert.Throws<ArgumentException>(() => device.Read(0, Span<byte>.Empty));
        Assert.Throws<ArgumentException>(() => device.Write(0, new byte[(2 * size) - 7]));
        Assert.Throws<ArgumentException>(() => device.Write(0, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Transfer_OutsideTheDevice_ThrowsArgumentOutOfRange()
    {
        using var device = CreateDevice();
        var one = new byte[device.SectorSize];
        var two = new byte[device.SectorSize * 2];
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(-1, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(device.SectorCount, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(device.SectorCount - 1, two));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(long.MaxValue, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(-1, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(device.SectorCount, one));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(device.SectorCount - 1, two));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(long.MaxValue, one));

        // Nothing was written by the refused calls.
        Assert.All(ReadBack(device, device.SectorCount - 1, 1), b => Assert.Equal(0, b));
    }

    [Fact]
    public void ReadOnlyDevice_Write_ThrowsIOExceptionAndChangesNothing()
    {
        using var device = OpenReadOnly();
        Assert.True(device.IsReadOnly);
        var before = ReadBack(device, 3, 1);
        Assert.Throws<IOException>(() => device.Write(3, Pattern(device.SectorSize, 5)));
        Assert.Equal(before, ReadBack(device, 3, 1));
    }

    [Fact]
    public void Flush_AfterWrites_SucceedsAndKeepsData()
    {
        using var device = CreateDevice();
        var data = Pattern(device.SectorSize * 3, 11);
        device.Write(4, data);
        device.Flush();
        device.Flush();
        Assert.Equal(data, ReadBack(device, 4, 3));
    }

    [Fact]
    public void Reopen_AfterFlushAndDispose_KeepsData()
    {
        var device = CreateDevice();
        var data = Pattern(device.SectorSize * 3, 9);
        var tail = Pattern(device.SectorSize, 10);
        var lastSector = device.SectorCount - 1;
        device.Write(5, data);
        device.Write(lastSector, tail);
        device.Flush();
        device.Dispose();

        using var again = Reopen(readOnly: false);
        Assert.False(again.IsReadOnly);
        Assert.Equal(data, ReadBack(again, 5, 3));
        Assert.Equal(tail, ReadBack(again, lastSector, 1));
    }

    [Fact]
    public void Reopen_ReadOnly_SeesDataAndRefusesWrites()
    {
        var device = CreateDevice();
        var data = Pattern(device.SectorSize * 2, 12);
        device.Write(8, data);
        device.Flush();
        device.Dispose();

        using var again = Reopen(readOnly: true);
        Assert.True(again.IsReadOnly);
        Assert.Equal(data, ReadBack(again, 8, 2));
        Assert.Throws<IOException>(() => again.Write(8, new byte[again.SectorSize]));
        Assert.Equal(data, ReadBack(again, 8, 2));
    }

    [Fact]
    public void ConcurrentWriters_OnDisjointSectors_AllLand()
    {
        using var device = CreateDevice();
        const int Threads = 4;
        const int PerThread = 8;
        Parallel.For(0, Threads, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var sector = (i * Threads) + t;
                device.Write(sector, Pattern(device.SectorSize, sector + 100));
                Assert.Equal(Pattern(device.SectorSize, sector + 100), ReadBack(device, sector, 1));
            }
        });

        for (var sector = 0; sector < Threads * PerThread; sector++)
        {
            Assert.Equal(Pattern(device.SectorSize, sector + 100), ReadBack(device, sector, 1));
        }
    }
}
