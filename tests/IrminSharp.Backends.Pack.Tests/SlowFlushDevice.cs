using IrminSharp.Backends.Block;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>A device whose flushes take a while, to widen the window between a write and its durability.</summary>
internal sealed class SlowFlushDevice(IBlockDevice inner) : IBlockDevice
{
    public int SectorSize => inner.SectorSize;

    public long SectorCount => inner.SectorCount;

    public bool IsReadOnly => inner.IsReadOnly;

    public void Read(long sector, Span<byte> buffer) => inner.Read(sector, buffer);

    public void Write(long sector, ReadOnlySpan<byte> buffer) => inner.Write(sector, buffer);

    public void Flush()
    {
        Thread.Sleep(20);
        inner.Flush();
    }

    public void Dispose() => inner.Dispose();
}
