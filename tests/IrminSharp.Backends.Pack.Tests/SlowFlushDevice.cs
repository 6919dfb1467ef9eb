using IrminSharp.Backends.Block;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// A device whose flushes take a while, as a real disk's do: it widens the window between a write
/// and its durability, and counts the flushes.
/// </summary>
internal sealed class SlowFlushDevice(IBlockDevice inner, int flushMilliseconds = 20) : IBlockDevice
{
    private int flushes;

    public int Flushes => Volatile.Read(ref flushes);

    public int SectorSize => inner.SectorSize;

    public long SectorCount => inner.SectorCount;

    public bool IsReadOnly => inner.IsReadOnly;

    public void Read(long sector, Span<byte> buffer) => inner.Read(sector, buffer);

    public void Write(long sector, ReadOnlySpan<byte> buffer) => inner.Write(sector, buffer);

    public void Flush()
    {
        Thread.Sleep(flushMilliseconds);
        Interlocked.Increment(ref flushes);
        inner.Flush();
    }

    public void Dispose() => inner.Dispose();
}
