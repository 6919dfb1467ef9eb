using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The log area of a device (everything after the two superblock sectors) seen as a ring
/// addressed by monotonic log positions: position p lives at byte
/// <c>2 × sector + p mod capacity</c>. Batches never wrap; a batch that would is preceded by a
/// wrap-padding record up to the ring's end.
/// </summary>
internal sealed class RingLog
{
    private readonly IBlockDevice device;
    private readonly string where;

    public RingLog(IBlockDevice device, string where)
    {
        this.device = device;
        this.where = where;
        SectorSize = device.SectorSize;
        DataStart = 2L * SectorSize;
        Capacity = (device.SectorCount - 2) * SectorSize;
    }

    public int SectorSize { get; }

    public long DataStart { get; }

    public long Capacity { get; }

    public IBlockDevice Device => device;

    /// <summary>Bytes from <paramref name="position"/> to the end of the ring.</summary>
    public long UntilWrap(long position) => Capacity - (position % Capacity);

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at a log position (not crossing the wrap).</summary>
    public void Read(long position, Span<byte> buffer)
    {
        if (buffer.Length > UntilWrap(position))
        {
            throw new CorruptDataException(where, position, "a read crosses the end of the log ring");
        }

        var physical = DataStart + (position % Capacity);
        var firstSector = physical / SectorSize;
        var skip = (int)(physical % SectorSize);
        var sectors = (skip + buffer.Length + SectorSize - 1) / SectorSize;
        if (skip == 0 && buffer.Length % SectorSize == 0)
        {
            device.Read(firstSector, buffer);
            return;
        }

        var scratch = new byte[(long)sectors * SectorSize];
        device.Read(firstSector, scratch);
        scratch.AsSpan(skip, buffer.Length).CopyTo(buffer);
    }

    /// <summary>Writes a sector-aligned batch at a sector-aligned log position.</summary>
    public void Write(long position, ReadOnlySpan<byte> batch)
    {
        if (position % SectorSize != 0 || batch.Length % SectorSize != 0 || batch.Length > UntilWrap(position))
        {
            throw new InvalidOperationException("A batch must be sector aligned and must not wrap.");
        }

        device.Write((DataStart + (position % Capacity)) / SectorSize, batch);
    }
}
