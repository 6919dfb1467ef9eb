namespace IrminSharp.Backends.Block;

/// <summary>
/// Wraps a device to inject faults: a power cut after a number of writes, I/O errors on chosen
/// sectors, and bit flips on read.
/// </summary>
public sealed class FaultInjectingBlockDevice : IBlockDevice
{
    private readonly IBlockDevice inner;
    private readonly Lock gate = new();
    private readonly HashSet<long> failReads = [];
    private readonly HashSet<long> failWrites = [];
    private readonly Dictionary<long, int> flips = [];
    private long writes;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it.</summary>
    public FaultInjectingBlockDevice(IBlockDevice inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
    }

    /// <summary>After this many writes, the device "loses power": later writes and flushes fail. Null: never.</summary>
    public long? FailAfterWrites { get; set; }

    /// <summary>Writes accepted so far.</summary>
    public long WriteCount => Interlocked.Read(ref writes);

    /// <inheritdoc/>
    public int SectorSize => inner.SectorSize;

    /// <inheritdoc/>
    public long SectorCount => inner.SectorCount;

    /// <inheritdoc/>
    public bool IsReadOnly => inner.IsReadOnly;

    /// <summary>Reads touching <paramref name="sector"/> fail with an I/O error.</summary>
    public void FailRead(long sector)
    {
        lock (gate)
        {
            failReads.Add(sector);
        }
    }

    /// <summary>Writes touching <paramref name="sector"/> fail with an I/O error.</summary>
    public void FailWrite(long sector)
    {
        lock (gate)
        {
            failWrites.Add(sector);
        }
    }

    /// <summary>Reads of <paramref name="sector"/> return bit <paramref name="bit"/> (0 = first byte's lowest) flipped.</summary>
    public void FlipBitOnRead(long sector, int bit)
    {
        lock (gate)
        {
            flips[sector] = bit;
        }
    }

    /// <summary>Removes every injected fault (not a power cut already reached).</summary>
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
        var count = buffer.Length / Math.Max(1, SectorSize);
        lock (gate)
        {
            for (var s = sector; s < sector + count; s++)
            {
                if (failReads.Contains(s))
                {
                    throw new IOException($"injected read error at sector {s}");
                }
            }
        }

        inner.Read(sector, buffer);
        lock (gate)
        {
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
        lock (gate)
        {
            if (FailAfterWrites is { } limit && writes >= limit)
            {
                throw new IOException("injected power loss: the device is gone");
            }

            var count = buffer.Length / Math.Max(1, SectorSize);
            for (var s = sector; s < sector + count; s++)
            {
                if (failWrites.Contains(s))
                {
                    throw new IOException($"injected write error at sector {s}");
                }
            }

            inner.Write(sector, buffer);
            writes++;
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        lock (gate)
        {
            if (FailAfterWrites is { } limit && writes >= limit)
            {
                throw new IOException("injected power loss: the device is gone");
            }
        }

        inner.Flush();
    }

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();
}
