namespace IrminSharp.Backends.Block;

/// <summary>
/// A device in memory whose image outlives the object: take <see cref="SnapshotImage"/> and build
/// a new device <see cref="FromImage"/> to simulate a restart. Reads return the latest written
/// data. It records every write (unless asked not to), with its flush epoch, so that
/// <see cref="CrashImages"/> can rebuild what a power loss at any point could leave.
/// </summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly Lock gate = new();
    private readonly byte[] image;
    private readonly byte[]? initial;
    private readonly List<WriteRecord> writes = [];
    private int flushes;

    /// <summary>A zeroed device of <paramref name="sectorCount"/> sectors of <paramref name="sectorSize"/> (512, 1024, 2048 or 4096) bytes.</summary>
    /// <param name="sectorSize">The sector size in bytes.</param>
    /// <param name="sectorCount">The number of sectors (at least one).</param>
    /// <param name="recordWrites">Whether to keep every write in <see cref="Writes"/> (a copy of its bytes each).</param>
    public MemoryBlockDevice(int sectorSize, long sectorCount, bool recordWrites = true)
        : this(new byte[checked(sectorSize * sectorCount)], sectorSize, readOnly: false, recordWrites)
    {
    }

    private MemoryBlockDevice(byte[] image, int sectorSize, bool readOnly, bool recordWrites)
    {
        if (sectorSize is not (512 or 1024 or 2048 or 4096) || image.Length == 0 || image.Length % sectorSize != 0)
        {
            throw new ArgumentException("The sector size is 512, 1024, 2048 or 4096 bytes and divides the (non-empty) image.", nameof(sectorSize));
        }

        this.image = image;
        SectorSize = sectorSize;
        SectorCount = image.Length / sectorSize;
        IsReadOnly = readOnly;
        RecordWrites = recordWrites;
        initial = recordWrites ? (byte[])image.Clone() : null;
    }

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public long SectorCount { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>Null: only the process that made the device can reach it, so no lock file is needed.</summary>
    public string? WriterLockPath => null;

    /// <summary>Whether writes are recorded in <see cref="Writes"/>.</summary>
    public bool RecordWrites { get; }

    /// <summary>
    /// Every write since creation (when <see cref="RecordWrites"/>), in order, each with its sector,
    /// bytes and flush epoch (<see cref="WriteRecord.FlushesBefore"/>). A snapshot copy of the list.
    /// </summary>
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

    /// <summary>How many flushes completed: the epoch of the next write.</summary>
    public int Flushes => Volatile.Read(ref flushes);

    /// <summary>A device over a copy of <paramref name="image"/> (a restart after a crash or a clean shutdown).</summary>
    /// <param name="image">The bytes, a whole number of sectors.</param>
    /// <param name="sectorSize">The sector size in bytes.</param>
    /// <param name="readOnly">Whether writes are refused.</param>
    /// <param name="recordWrites">Whether to keep every write in <see cref="Writes"/>.</param>
    public static MemoryBlockDevice FromImage(byte[] image, int sectorSize, bool readOnly = false, bool recordWrites = true)
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

    /// <summary>
    /// The device's position now, read atomically: writes issued and flushes completed. Taken when
    /// an operation returns, it is the operation's acknowledgement (see <see cref="CrashPoint.Covers"/>).
    /// </summary>
    public DeviceMark Mark()
    {
        lock (gate)
        {
            return new DeviceMark(writes.Count, flushes);
        }
    }

    /// <summary>
    /// What a power loss now would surely leave: the image at creation with only the writes a
    /// completed flush made durable, in order (none of the writes issued since the last flush).
    /// </summary>
    /// <exception cref="InvalidOperationException">The device does not record its writes.</exception>
    public byte[] DurableImage()
    {
        lock (gate)
        {
            if (initial is null)
            {
                throw new InvalidOperationException("The durable image needs a device that records its writes.");
            }

            var durable = (byte[])initial.Clone();
            foreach (var write in writes)
            {
                if (write.FlushesBefore < flushes)
                {
                    write.Data.Span.CopyTo(durable.AsSpan((int)(write.Sector * SectorSize)));
                }
            }

            return durable;
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

    /// <summary>Does nothing: the contents stay readable, as a disk outlives its driver.</summary>
    public void Dispose()
    {
    }
}
