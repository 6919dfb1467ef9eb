namespace IrminSharp.Backends.Block;

/// <summary>
/// Wraps a device to inject faults — a power cut after a number of writes, I/O errors on chosen
/// sectors until <see cref="Heal"/>, transient I/O errors that heal by themselves, bit flips on
/// read — and records the write stream that reached the inner device, for <see cref="CrashImages"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every injected fault is an <see cref="IOException"/> whose message starts "injected"; a
/// transient one says "transient". A failed write is not applied and not recorded in
/// <see cref="Writes"/>; a failed flush does not reach the inner device and does not end a flush
/// epoch (<see cref="Flushes"/>). After the power cut, reads still reach the inner device (so a
/// test can look at what survived); writes and flushes fail.
/// </para>
/// <para>
/// Calls are counted once they pass the argument checks (<see cref="ReadCalls"/> and friends);
/// "the k-th call from now" counts those. When several faults apply to one call, the power cut
/// wins, then a sticky sector fault, then a transient one; a transient fault that did not fire
/// stays pending, except a k-th-call fault, which belongs to that call.
/// </para>
/// </remarks>
public sealed class FaultInjectingBlockDevice : IBlockDevice
{
    private readonly IBlockDevice inner;
    private readonly Lock gate = new();
    private readonly HashSet<long> failReads = [];
    private readonly HashSet<long> failWrites = [];
    private readonly List<(long Sector, int Bit)> flips = [];
    private readonly List<WriteRecord> writes = [];
    private readonly TransientFaults readFaults = new("read");
    private readonly TransientFaults writeFaults = new("write");
    private readonly TransientFaults flushFaults = new("flush");
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

    /// <summary>Read calls so far (those that passed the argument checks), failed or not.</summary>
    public long ReadCalls => Locked(() => readFaults.Calls);

    /// <summary>Write calls so far (those that passed the argument checks), failed or not.</summary>
    public long WriteCalls => Locked(() => writeFaults.Calls);

    /// <summary>Flush calls so far, failed or not.</summary>
    public long FlushCalls => Locked(() => flushFaults.Calls);

    /// <summary>Reads failed by an injected fault (sticky or transient).</summary>
    public long InjectedReadFaults => Locked(() => readFaults.Injected);

    /// <summary>Writes failed by an injected fault (sticky, transient or the power cut).</summary>
    public long InjectedWriteFaults => Locked(() => writeFaults.Injected);

    /// <summary>Flushes failed by an injected fault (transient or the power cut).</summary>
    public long InjectedFlushFaults => Locked(() => flushFaults.Injected);

    /// <summary>Every injected fault so far: reads, writes and flushes.</summary>
    public long InjectedFaults => Locked(() => readFaults.Injected + writeFaults.Injected + flushFaults.Injected);

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

    /// <summary>
    /// The next <paramref name="count"/> reads fail with a transient <see cref="IOException"/>, then
    /// reads work again. With <paramref name="sector"/>, only reads touching that sector fail (and
    /// count). Calls add up: two calls of 2 fail four reads.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or the sector is outside the device.</exception>
    public void FailNextReads(int count, long? sector = null) => FailNext(readFaults, count, sector);

    /// <summary>
    /// The next <paramref name="count"/> writes fail with a transient <see cref="IOException"/> (not
    /// applied, not recorded), then writes work again. With <paramref name="sector"/>, only writes
    /// touching that sector fail (and count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or the sector is outside the device.</exception>
    public void FailNextWrites(int count, long? sector = null) => FailNext(writeFaults, count, sector);

    /// <summary>
    /// The next <paramref name="count"/> flushes fail with a transient <see cref="IOException"/>:
    /// they do not reach the inner device and end no flush epoch. Then flushes work again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public void FailNextFlushes(int count) => FailNext(flushFaults, count, sector: null);

    /// <summary>The <paramref name="n"/>-th read from now (1: the next) fails with a transient <see cref="IOException"/>; for sweeps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public void FailNthRead(long n) => FailNth(readFaults, n);

    /// <summary>The <paramref name="n"/>-th write from now (1: the next) fails with a transient <see cref="IOException"/> and is not applied; for sweeps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public void FailNthWrite(long n) => FailNth(writeFaults, n);

    /// <summary>The <paramref name="n"/>-th flush from now (1: the next) fails with a transient <see cref="IOException"/> and ends no epoch; for sweeps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public void FailNthFlush(long n) => FailNth(flushFaults, n);

    /// <summary>
    /// Removes every injected read/write error and bit flip, and every pending transient fault
    /// (not the power cut). The call and fault counters keep counting.
    /// </summary>
    public void Heal()
    {
        lock (gate)
        {
            failReads.Clear();
            failWrites.Clear();
            flips.Clear();
            readFaults.Clear();
            writeFaults.Clear();
            flushFaults.Clear();
        }
    }

    /// <inheritdoc/>
    public void Read(long sector, Span<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: false);
        var count = buffer.Length / SectorSize;
        lock (gate)
        {
            var call = readFaults.Begin();
            for (var s = sector; s < sector + count; s++)
            {
                if (failReads.Contains(s))
                {
                    throw readFaults.Inject($"injected read error at sector {s}");
                }
            }

            if (readFaults.Take(call, sector, count) is { } transient)
            {
                throw transient;
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
            var call = writeFaults.Begin();
            if (IsPowerLost)
            {
                throw writeFaults.Inject($"injected fault: device lost power after {failAfterWrites} writes");
            }

            for (var s = sector; s < sector + count; s++)
            {
                if (failWrites.Contains(s))
                {
                    throw writeFaults.Inject($"injected write error at sector {s}");
                }
            }

            if (writeFaults.Take(call, sector, count) is { } transient)
            {
                throw transient;
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
            var call = flushFaults.Begin();
            if (IsPowerLost)
            {
                throw flushFaults.Inject($"injected fault: device lost power after {failAfterWrites} writes");
            }

            if (flushFaults.Take(call, 0, 0) is { } transient)
            {
                throw transient;
            }

            inner.Flush();
            flushes++;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();

    private void FailNext(TransientFaults faults, int count, long? sector)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (sector is { } s && (s < 0 || s >= SectorCount))
        {
            throw new ArgumentOutOfRangeException(nameof(sector), s, $"The device has {SectorCount} sectors.");
        }

        lock (gate)
        {
            faults.FailNext(count, sector);
        }
    }

    private void FailNth(TransientFaults faults, long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        lock (gate)
        {
            faults.FailNth(n);
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }
}
