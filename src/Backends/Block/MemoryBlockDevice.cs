namespace IrminSharp.Backends.Block;

/// <summary>
/// A device in memory whose image outlives the object: take <see cref="SnapshotImage"/> and build
/// a new device <see cref="FromImage"/> to simulate a restart. It records every write, with the
/// number of flushes before it, for crash sweeps.
/// </summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly Lock gate = new();
    private readonly byte[] image;
    private readonly List<WriteRecord> writes = [];
    private int flushes;

    /// <summary>A zeroed device.</summary>
    public MemoryBlockDevice(int sectorSize, long sectorCount, bool recordWrites = false)
        : this(new byte[checked(sectorSize * sectorCount)], sectorSize, readOnly: false, recordWrites)
    {
    }

    private MemoryBlockDevice(byte[] image, int sectorSize, bool readOnly, bool recordWrites)
    {
        if (sectorSize is not (512 or 1024 or 2048 or 4096) || image.Length % sectorSize != 0)
        {
            throw new ArgumentException("The sector size is 512 to 4096 bytes and divides the image.", nameof(sectorSize));
        }

        this.image = image;
        SectorSize = sectorSize;
        SectorCount = image.Length / sectorSize;
        IsReadOnly = readOnly;
        RecordWrites = recordWrites;
    }

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public long SectorCount { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>Whether writes are recorded in <see cref="Writes"/>.</summary>
    public bool RecordWrites { get; }

    /// <summary>Every write so far (when recording), in order.</summary>
    public IReadOnlyList<WriteRecord> Writes
    {
        get
        {
            lock (gate)
            {
                return [.. writes];
            }
        }
    }

    /// <summary>How many flushes completed.</summary>
    public int Flushes => Volatile.Read(ref flushes);

    /// <summary>A device over a copy of <paramref name="image"/>.</summary>
    public static MemoryBlockDevice FromImage(byte[] image, int sectorSize, bool readOnly = false, bool recordWrites = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new MemoryBlockDevice((byte[])image.Clone(), sectorSize, readOnly, recordWrites);
    }

    /// <summary>A copy of the current bytes.</summary>
    public byte[] SnapshotImage()
    {
        lock (gate)
        {
            return (byte[])image.Clone();
        }
    }

    /// <inheritdoc/>
    public void Read(long sector, Span<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: false);
        lock (gate)
        {
            image.AsSpan((int)(sector * SectorSize), buffer.Length).CopyTo(buffer);
        }
    }

    /// <inheritdoc/>
    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: true);
        lock (gate)
        {
            buffer.CopyTo(image.AsSpan((int)(sector * SectorSize)));
            if (RecordWrites)
            {
                writes.Add(new WriteRecord(sector, buffer.ToArray(), flushes));
            }
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        lock (gate)
        {
            flushes++;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
