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

    /// <summary>
    /// Makes durable what was written before the call, then takes its time to return, as a disk's
    /// cache flush does: a write issued while it runs is not covered (it belongs to the next
    /// flush's epoch), so a writer that counts on a flush already under way is caught.
    /// </summary>
    public void Flush()
    {
        inner.Flush();
        Thread.Sleep(flushMilliseconds);
        Interlocked.Increment(ref flushes);
    }

    public void Dispose() => inner.Dispose();
}
