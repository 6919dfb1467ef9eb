namespace IrminSharp.Backends.Block;

/// <summary>
/// Wraps a device to inject faults — a power cut after a number of writes, I/O errors on chosen
/// sectors, bit flips on read — and records the write stream that reached the inner device, for
/// <see cref="CrashImages"/>.
/// </summary>
/// <remarks>
/// Every injected fault is an <see cref="IOException"/>. After the power cut, reads still reach the
/// inner device (so a test can look at what survived); writes and flushes fail.
/// </remarks>
public sealed class FaultInjectingBlockDevice : IBlockDevice
{
    private readonly IBlockDevice inner;
    private readonly Lock gate = new();
    private readonly HashSet<long> failReads = [];
    private readonly HashSet<long> failWrites = [];
    private readonly List<(long Sector, int Bit)> flips = [];
    private readonly List<WriteRecord> writes = [];
    private long? failAfterWrites;
    private int flushes;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it.</summary>
    public FaultInjectingBlockDevice(IBlockDevice inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
    }

    /// <summary>
    /// The power cut: once this many writes have reached the device, every later write throws
    /// <see cref="IOException"/> ("device lost power") without being applied, and so does every
    /// flush. Null (the default): never.
    /// </summary>
    public long? FailAfterWrites
    {
        get
        {
            lock (gate)
            {
                return failAfterWrites;
            }
        }

        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A write count is not negative.");
            }

            lock (gate)
            {
                failAfterWrites = value;
            }
        }
    }

    /// <summary>Whether the power cut has been reached.</summary>
    public bool PowerLost
    {
        get
        {
            lock (gate)
            {
                return IsPowerLost;
            }
        }
    }

    /// <summary>Writes that reached the inner device so far.</summary>
    public long WriteCount
    {
        get
        {
            lock (gate)
            {
                return writes.Count;
            }
        }
    }

    /// <summary>Flushes that completed so far: the flush epoch of the next write.</summary>
    public int Flushes
    {
        get
        {
            lock (gate)
            {
                return flushes;
            }
        }
    }

    /// <summary>
    /// Every write that reached the inner device, in order, with its sector, a copy of its bytes
    /// and its flush epoch (the number of flushes completed before it). A snapshot copy.
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

    /// <inheritdoc/>
    public int SectorSize => inner.SectorSize;

    /// <inheritdoc/>
    public long SectorCount => inner.SectorCount;

    /// <inheritdoc/>
    public bool IsReadOnly => inner.IsReadOnly;

    /// <summary>The inner device's writer lock: faults change nothing about who may write.</summary>
    public string? WriterLockPath => inner.WriterLockPath;

    private bool IsPowerLost => failAfterWrites is { } limit && writes.Count >= limit;

    /// <summary>Reads touching <paramref name="sector"/> fail with an <see cref="IOException"/>.</summary>
    public void FailRead(long sector)
    {
        lock (gate)
        {
            failReads.Add(sector);
        }
    }

    /// <summary>Writes touching <paramref name="sector"/> fail with an <see cref="IOException"/> and are not applied.</summary>
    public void FailWrite(long sector)
    {
        lock (gate)
        {
            failWrites.Add(sector);
        }
    }

    /// <summary>
    /// Reads of <paramref name="sector"/> return bit <paramref name="bitIndex"/> of that sector
    /// flipped (bit 0 is the lowest bit of the sector's first byte). The stored data is unchanged.
    /// </summary>
    public void FlipBitOnRead(long sector, int bitIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bitIndex, SectorSize * 8);
        lock (gate)
        {
            flips.Add((sector, bitIndex));
        }
    }

    /// <summary>Removes every injected read/write error and bit flip (not the power cut).</summary>
    public void Heal()
    {
        lock (gate)
        {
            failReads.Clear();
            failWrites.Clear();
            flips.Clear();
        }
    }

    /// <inheritdoc/>
    public void Read(long sector, Span<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: false);
        var count = buffer.Length / SectorSize;
        lock (gate)
        {
            for (var s = sector; s < sector + count; s++)
            {
                if (failReads.Contains(s))
                {
                    throw new IOException($"injected read error at sector {s}");
                }
            }

            inner.Read(sector, buffer);
            foreach (var (s, bit) in flips)
            {
                if (s >= sector && s < sector + count)
                {
                    var at = ((s - sector) * SectorSize) + (bit / 8);
                    buffer[(int)at] ^= (byte)(1 << (bit % 8));
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: true);
        var count = buffer.Length / SectorSize;
        lock (gate)
        {
            if (IsPowerLost)
            {
                throw new IOException($"injected fault: device lost power after {failAfterWrites} writes");
            }

            for (var s = sector; s < sector + count; s++)
            {
                if (failWrites.Contains(s))
                {
                    throw new IOException($"injected write error at sector {s}");
                }
            }

            inner.Write(sector, buffer);
            writes.Add(new WriteRecord(sector, buffer.ToArray(), flushes));
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        lock (gate)
        {
            if (IsPowerLost)
            {
                throw new IOException($"injected fault: device lost power after {failAfterWrites} writes");
            }

            inner.Flush();
            flushes++;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
