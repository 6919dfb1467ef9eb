using IrminSharp.Backends.Block;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// A memory device that keeps an image of itself each time a superblock is written: every root
/// the pack made durable, to check one by one.
/// </summary>
internal sealed class RootSnapshottingDevice(MemoryBlockDevice inner) : IBlockDevice
{
    private readonly List<byte[]> roots = [];

    public MemoryBlockDevice Inner => inner;

    public int SectorSize => inner.SectorSize;

    public long SectorCount => inner.SectorCount;

    public bool IsReadOnly => inner.IsReadOnly;

    /// <summary>The images taken at each superblock write, oldest first.</summary>
    public List<byte[]> Roots
    {
        get
        {
            lock (roots)
            {
                return [.. roots];
            }
        }
    }

    public void Read(long sector, Span<byte> buffer) => inner.Read(sector, buffer);

    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        inner.Write(sector, buffer);
        if (sector < 2)
        {
            lock (roots)
            {
                roots.Add(inner.SnapshotImage());
            }
        }
    }

    public void Flush() => inner.Flush();

    public void Dispose() => inner.Dispose();
}
