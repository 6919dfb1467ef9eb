using System.Buffers.Binary;
using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The pack engine: an append-only log of checksummed records on a block device, two alternating
/// superblocks, an index checkpoint plus an in-memory index of the log tail, and the refs table.
/// See docs/formats/pack.md.
/// </summary>
/// <remarks>
/// Commit protocol: append the batch, flush, write the next superblock, flush. At open the newest
/// valid superblock wins, so a batch that was not followed by its superblock (a torn tail) is
/// never read. Readers never see bytes whose checksum fails.
/// </remarks>
internal sealed class PackFile : IDisposable
{
    private const int BatchLimit = 1 << 20;

    /// <summary>At close, a tail this long is folded into a checkpoint so the next open is quick.</summary>
    private const int CloseCheckpointThreshold = 4096;

    private readonly Lock gate = new();
    private readonly Lock flushGate = new();
    private readonly RingLog log;
    private readonly PackOptions options;
    private readonly string where;
    private readonly WriterLock? writerLock;
    private readonly Dictionary<Hash, byte[]> pending = [];
    private readonly List<Hash> pendingOrder = [];
    private readonly Dictionary<Hash, Location> tail = [];
    private readonly RefTable refs = new();
    private readonly ConcurrentDictionary<Hash, byte[]> cache = new();
    private long cachedBytes;
    private Checkpoint? checkpoint;
    private Superblock superblock;
    private long refsVersion;
    private long refsWrittenVersion;
    private bool disposed;

    private PackFile(IBlockDevice device, PackOptions options, string where, Superblock superblock, WriterLock? writerLock)
    {
        log = new RingLog(device, where);
        this.options = options;
        this.where = where;
        this.superblock = superblock;
        this.writerLock = writerLock;
    }

    public Superblock Current
    {
        get
        {
            lock (gate)
            {
                return superblock;
            }
        }
    }

    public string Where => where;

    /// <summary>Set when open fell back to an older root because the newest was damaged.</summary>
    public string? RecoveryNote { get; private set; }

    public RingLog Log => log;

    public bool IsReadOnly => options.ReadOnly;

    /// <summary>Formats a new, empty pack on <paramref name="device"/>.</summary>
    public static void Format(IBlockDevice device, string schema, string contentType)
    {
        if (device.SectorSize < Superblock.Size || device.SectorCount < 16)
        {
            throw new ArgumentException($"A pack needs at least 16 sectors of at least {Superblock.Size} bytes; the device has {device.SectorCount} of {device.SectorSize}.", nameof(device));
        }

        var sb = new Superblock(1, device.SectorSize, device.SectorCount, 0, 0, 0, 0, 0, 0, 0, 0, 0, schema, contentType);
        var sector = new byte[device.SectorSize];
        sb.Write(sector);
        device.Write(1, sector);
        Array.Clear(sector);
        device.Write(0, sector);
        device.Flush();
    }

    /// <summary>Opens a pack: the newest valid superblock, its refs and checkpoint, and the log tail.</summary>
    public static PackFile Open(IBlockDevice device, PackOptions options, string where)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.SectorSize < Superblock.Size || device.SectorCount < 3)
        {
            throw new CorruptDataException(where, 0, $"the device is too small to hold a pack ({device.SectorCount} sectors of {device.SectorSize} bytes)");
        }

        WriterLock? writerLock;
        try
        {
            writerLock = !options.ReadOnly && options.LockPath is { } lockPath ? WriterLock.Acquire(lockPath, where) : null;
        }
        catch (StoreLockedException e) when (e.Pid is null)
        {
            // The lock file could not be read: the writer also records its pid in the superblock.
            var pid = ReadSuperblocks(device).OrderByDescending(s => s.Generation).Select(s => s.WriterPid).FirstOrDefault();
            throw new StoreLockedException(where, pid > 0 ? pid : null, e);
        }

        try
        {
            var candidates = ReadSuperblocks(device).OrderByDescending(s => s.Generation).ToList();
            if (candidates.Count == 0)
            {
                throw new CorruptDataException(where, 0, "no valid superblock: this is not an IrminSharp pack, or both superblocks are damaged");
            }

            Exception? failure = null;
            foreach (var candidate in candidates)
            {
                if (candidate.SectorSize != device.SectorSize || candidate.DeviceSectors > device.SectorCount)
                {
                    failure = new CorruptDataException(where, 0, $"the pack was made for {candidate.DeviceSectors} sectors of {candidate.SectorSize} bytes; the device has {device.SectorCount} of {device.SectorSize}");
                    continue;
                }

                var pack = new PackFile(device, options, where, candidate, writerLock);
                try
                {
                    pack.Load();
                    if (failure is not null)
                    {
                        pack.RecoveryNote = $"the newest root could not be read ({failure.Message}); opened the previous root, generation {candidate.Generation}";
                    }

                    if (!options.ReadOnly)
                    {
                        pack.ClaimWriter();
                    }

                    return pack;
                }
                catch (CorruptDataException e)
                {
                    // The newest root points at damaged refs or index: fall back to the previous one.
                    failure = e;
                }
            }

            throw failure!;
        }
        catch
        {
            writerLock?.Dispose();
            throw;
        }
    }

    private static List<Superblock> ReadSuperblocks(IBlockDevice device)
    {
        var found = new List<Superblock>();
        var sector = new byte[device.SectorSize];
        for (var i = 0; i < 2; i++)
        {
            try
            {
                device.Read(i, sector);
            }
            catch (IOException)
            {
                continue;
            }

            if (Superblock.TryRead(sector) is { } sb)
            {
                found.Add(sb);
            }
        }

        return found;
    }

    private void Load()
    {
        if (superblock.RefsOffset > 0 || superblock.RefsLength > 0)
        {
            var payload = ReadRecord(new Location(superblock.RefsOffset, superblock.RefsLength), RecordKind.Refs, default);
            DecodeRefs(payload);
        }

        if (superblock.CheckpointLength > 0)
        {
            checkpoint = Checkpoint.Open(log, superblock.CheckpointOffset + RecordHeader.Size, superblock.CheckpointLength - RecordHeader.Size, where);
        }

        ScanTail(superblock.CheckpointLength > 0 ? superblock.CheckpointCovers : superblock.LogStart, superblock.LogEnd);
    }

    private void ClaimWriter()
    {
        // Record the writer's pid in a new superblock generation (nothing else changes).
        lock (flushGate)
        {
            WriteSuperblock(superblock with { Generation = superblock.Generation + 1, WriterPid = Environment.ProcessId });
        }
    }

    /// <summary>
    /// Indexes the object records between two log positions, reading the log in chunks of up to
    /// 1 MiB. A damaged record is skipped by resynchronising at the next sector (batches start on
    /// sector boundaries); fsck reports it.
    /// </summary>
    private void ScanTail(long from, long to)
    {
        var buffer = Array.Empty<byte>();
        var chunkStart = from;
        var chunkLength = 0;
        var position = from;
        while (position < to)
        {
            // Make sure the header is in the buffer.
            if (!Covers(position, RecordHeader.Size))
            {
                Fill(position, RecordHeader.Size);
                if (chunkLength < RecordHeader.Size)
                {
                    position = NextSector(position + 1);
                    continue;
                }
            }

            var at = (int)(position - chunkStart);
            if (buffer[at] == (byte)RecordKind.SectorPadding)
            {
                // Real padding is zeros to the sector's end; anything else is a damaged record,
                // skipped the same way (fsck reports it).
                position = NextSector(position + 1);
                continue;
            }

            var header = RecordHeader.TryParse(buffer.AsSpan(at, RecordHeader.Size));
            if (header is not { } h || h.TotalLength > to - position || h.TotalLength > log.UntilWrap(position))
            {
                position = NextSector(position + 1);
                continue;
            }

            if (h.Kind == RecordKind.Object)
            {
                if (!Covers(position, h.TotalLength))
                {
                    Fill(position, h.TotalLength);
                    at = 0;
                }

                if (!RecordHeader.ChecksumMatches(buffer.AsSpan(at, h.TotalLength)))
                {
                    position = NextSector(position + 1);
                    continue;
                }

                tail[h.Hash] = new Location(position, h.TotalLength);
            }

            position += h.TotalLength;
        }

        bool Covers(long start, int length) => start >= chunkStart && start + length <= chunkStart + chunkLength;

        void Fill(long start, int atLeast)
        {
            var length = (int)Math.Min(Math.Min(to - start, log.UntilWrap(start)), Math.Max(BatchLimit, atLeast));
            if (buffer.Length < length)
            {
                buffer = new byte[Math.Max(length, Math.Min(BatchLimit, 64 * 1024))];
            }

            log.Read(start, buffer.AsSpan(0, length));
            chunkStart = start;
            chunkLength = length;
        }
    }

    /// <summary>Whether the bytes from <paramref name="position"/> to its sector's end are all zero.</summary>
    internal static bool IsZeroPadding(RingLog log, long position)
    {
        var end = (position / log.SectorSize * log.SectorSize) + log.SectorSize;
        var rest = new byte[end - position];
        log.Read(position, rest);
        return rest.AsSpan().IndexOfAnyExcept((byte)0) < 0;
    }

    private long NextSector(long position) => (position + log.SectorSize - 1) / log.SectorSize * log.SectorSize;

    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encoded)
    {
        if (cache.TryGetValue(hash, out var hit))
        {
            encoded = hit;
            return true;
        }

        Location location;
        lock (gate)
        {
            if (pending.TryGetValue(hash, out var fresh))
            {
                encoded = fresh;
                return true;
            }

            if (!tail.TryGetValue(hash, out location) && (checkpoint is null || !checkpoint.TryFind(hash, out location)))
            {
                encoded = default;
                return false;
            }
        }

        var payload = ReadRecord(location, RecordKind.Object, hash);
        Remember(hash, payload);
        encoded = payload;
        return true;
    }

    public bool Contains(Hash hash)
    {
        if (cache.ContainsKey(hash))
        {
            return true;
        }

        lock (gate)
        {
            return pending.ContainsKey(hash) || tail.ContainsKey(hash) || (checkpoint?.TryFind(hash, out _) ?? false);
        }
    }

    public bool Add(Hash hash, ReadOnlySpan<byte> encoded)
    {
        ThrowIfReadOnly();
        lock (gate)
        {
            if (pending.ContainsKey(hash) || tail.ContainsKey(hash) || (checkpoint?.TryFind(hash, out _) ?? false))
            {
                return false;
            }

            pending[hash] = encoded.ToArray();
            pendingOrder.Add(hash);
            return true;
        }
    }

    public bool TryReadRef(string name, out Hash value)
    {
        lock (gate)
        {
            return refs.TryGet(name, out value);
        }
    }

    public IReadOnlyList<KeyValuePair<string, Hash>> ListRefs(string prefix)
    {
        lock (gate)
        {
            return refs.List(prefix);
        }
    }

    /// <summary>Swaps a ref in memory; the caller makes it durable (see <see cref="Commit"/>).</summary>
    public bool SwapRef(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        ThrowIfReadOnly();
        lock (gate)
        {
            if (!refs.TrySwap(name, expected, desired, out actual))
            {
                return false;
            }

            refsVersion++;
            return true;
        }
    }

    /// <summary>
    /// Writes every pending object and the refs (if changed), then the next superblock, with a
    /// flush before and after it. Concurrent callers share one write (group commit).
    /// </summary>
    public void Commit()
    {
        if (options.ReadOnly)
        {
            return;
        }

        lock (flushGate)
        {
            List<(Hash Hash, byte[] Bytes)> objects;
            byte[]? refsPayload = null;
            long refsSnapshot;
            lock (gate)
            {
                refsSnapshot = refsVersion;
                if (pendingOrder.Count == 0 && refsVersion == refsWrittenVersion)
                {
                    return;
                }

                objects = pendingOrder.Select(h => (h, pending[h])).ToList();
                if (refsVersion != refsWrittenVersion)
                {
                    refsPayload = EncodeRefs();
                }
            }

            var records = objects.Select(o => (RecordKind.Object, o.Hash, o.Bytes)).ToList();
            if (refsPayload is not null)
            {
                records.Add((RecordKind.Refs, default, refsPayload));
            }

            var sb = superblock;
            var (locations, end) = Append(sb, records);
            var next = sb with { Generation = sb.Generation + 1, LogEnd = end, ObjectCount = sb.ObjectCount + objects.Count };
            if (refsPayload is not null)
            {
                next = next with { RefsOffset = locations[^1].Offset, RefsLength = locations[^1].Length };
            }

            log.Device.Flush();
            WriteSuperblock(next);
            lock (gate)
            {
                for (var i = 0; i < objects.Count; i++)
                {
                    tail[objects[i].Hash] = locations[i];
                    pending.Remove(objects[i].Hash);
                }

                pendingOrder.RemoveRange(0, objects.Count);
                refsWrittenVersion = refsSnapshot;
            }

            bool due;
            lock (gate)
            {
                // Geometric: rewriting the checkpoint costs its size, so wait for the tail to
                // reach half of it; the total cost stays linear in the objects written.
                due = tail.Count >= Math.Max(options.CheckpointEvery, (checkpoint?.Count ?? 0) / 2);
            }

            if (due)
            {
                WriteCheckpoint();
            }
        }
    }

    /// <summary>
    /// Writes a checkpoint of the whole index, so that opening reads it instead of scanning the
    /// log. Called when the tail grows past <see cref="PackOptions.CheckpointEvery"/> and at close.
    /// </summary>
    public void WriteCheckpoint()
    {
        lock (flushGate)
        {
            List<(Hash, Location)> entries;
            lock (gate)
            {
                if (tail.Count == 0)
                {
                    return;
                }

                entries = [.. tail.Select(t => (t.Key, t.Value))];
            }

            if (checkpoint is not null)
            {
                entries.AddRange(checkpoint.Enumerate().Where(e => !tail.ContainsKey(e.Hash)));
            }

            entries.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
            WriteIndexAndRoot(entries, superblock.LogStart);
        }
    }

    /// <summary>
    /// Appends a checkpoint of <paramref name="sorted"/> and the refs after <paramref name="from"/>'s
    /// log end, flushes, and makes a superblock whose log starts at <paramref name="logStart"/> the
    /// root. Nothing before <paramref name="from"/>'s log start is overwritten.
    /// </summary>
    internal void WriteIndexAndRoot(List<(Hash Hash, Location Location)> sorted, long logStart, Superblock? from = null)
    {
        var sb = from ?? superblock;
        var payload = Checkpoint.Encode(sorted);
        byte[] refsPayload;
        long refsSnapshot;
        lock (gate)
        {
            refsPayload = EncodeRefs();
            refsSnapshot = refsVersion;
        }

        var records = new List<(RecordKind, Hash, byte[])> { (RecordKind.Refs, default, refsPayload), (RecordKind.Checkpoint, default, payload) };
        var (locations, end) = Append(sb, records, sb.LogStart);
        log.Device.Flush();
        var next = superblock with
        {
            Generation = superblock.Generation + 1,
            LogStart = logStart,
            LogEnd = end,
            RefsOffset = locations[0].Offset,
            RefsLength = locations[0].Length,
            CheckpointOffset = locations[1].Offset,
            CheckpointLength = locations[1].Length,
            CheckpointCovers = end,
            ObjectCount = sorted.Count,
        };
        WriteSuperblock(next);
        var opened = Checkpoint.Open(log, next.CheckpointOffset + RecordHeader.Size, next.CheckpointLength - RecordHeader.Size, where);
        lock (gate)
        {
            checkpoint = opened;
            tail.Clear();
            refsWrittenVersion = refsSnapshot;
        }
    }

    internal void ForgetCache()
    {
        cache.Clear();
        Interlocked.Exchange(ref cachedBytes, 0);
    }

    /// <summary>
    /// Appends records at the log end in sector-aligned batches of at most 1 MiB, wrapping where
    /// needed. Nothing is flushed. Throws <see cref="StoreFullException"/> before writing a batch
    /// that would overwrite live log.
    /// </summary>
    internal (List<Location> Locations, long End) Append(Superblock sb, IReadOnlyList<(RecordKind Kind, Hash Hash, byte[] Payload)> records, long? liveStart = null)
    {
        var start = liveStart ?? sb.LogStart;
        var position = sb.LogEnd;
        var locations = new List<Location>(records.Count);
        var batch = new MemoryStream();
        var batchStart = position;
        var sector = log.SectorSize;

        void FlushBatch()
        {
            if (batch.Length == 0)
            {
                return;
            }

            var padded = (batch.Length + sector - 1) / sector * sector;
            batch.SetLength(padded);
            if (batchStart + padded - start > log.Capacity)
            {
                throw new StoreFullException(where, padded, Math.Max(0, log.Capacity - (batchStart - start)));
            }

            log.Write(batchStart, batch.GetBuffer().AsSpan(0, (int)padded));
            position = batchStart + padded;
            batchStart = position;
            batch.SetLength(0);
        }

        foreach (var (kind, hash, payload) in records)
        {
            var length = RecordHeader.Size + payload.Length;
            if (batch.Length > 0 && batch.Length + length > options.BatchBytes)
            {
                FlushBatch();
            }

            if (batch.Length == 0)
            {
                var roomToWrap = log.UntilWrap(batchStart);
                var needed = (length + sector - 1) / sector * (long)sector;
                if (needed > log.Capacity)
                {
                    throw new StoreFullException(where, needed, log.Capacity);
                }

                if (needed > roomToWrap)
                {
                    WriteWrapPadding(batchStart, roomToWrap, start);
                    batchStart += roomToWrap;
                    position = batchStart;
                }
            }

            var offset = batchStart + batch.Length;
            var record = new byte[length];
            RecordHeader.WriteRecord(record, kind, hash, payload);
            batch.Write(record);
            locations.Add(new Location(offset, length));
            if (batch.Length + (long)sector > log.UntilWrap(batchStart))
            {
                FlushBatch();
            }
        }

        FlushBatch();
        return (locations, position);
    }

    private void WriteWrapPadding(long position, long length, long liveStart)
    {
        if (position + length - liveStart > log.Capacity)
        {
            throw new StoreFullException(where, length, Math.Max(0, log.Capacity - (position - liveStart)));
        }

        var sector = new byte[log.SectorSize];
        RecordHeader.WriteRecord(sector, RecordKind.WrapPadding, default, []);
        BinaryPrimitives.WriteInt32LittleEndian(sector.AsSpan(4), (int)(length - RecordHeader.Size));
        // The padding's payload is whatever the ring held: its checksum is never checked.
        log.Write(position, sector);
    }

    private void WriteSuperblock(Superblock next)
    {
        var sector = new byte[log.SectorSize];
        next.Write(sector);
        log.Device.Write(next.Generation % 2, sector);
        log.Device.Flush();
        lock (gate)
        {
            superblock = next;
        }
    }

    /// <summary>Reads and verifies one record; throws <see cref="CorruptDataException"/> naming it.</summary>
    internal byte[] ReadRecord(Location location, RecordKind kind, Hash hash)
    {
        if (location.Length < RecordHeader.Size || location.Length > RecordHeader.Size + RecordHeader.MaxPayload)
        {
            throw new CorruptDataException(where, location.Offset, $"a {kind} record has an impossible length {location.Length}");
        }

        var record = new byte[location.Length];
        try
        {
            log.Read(location.Offset, record);
        }
        catch (IOException e)
        {
            throw new CorruptDataException(where, location.Offset, $"reading the {Describe(kind, hash)} failed: {e.Message}", e);
        }

        var header = RecordHeader.TryParse(record);
        if (header is not { } h || h.Kind != kind || h.TotalLength != location.Length || (kind == RecordKind.Object && h.Hash != hash))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(kind, hash)} record header is damaged");
        }

        if (!RecordHeader.ChecksumMatches(record))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(kind, hash)} fails its checksum");
        }

        return record.AsSpan(RecordHeader.Size).ToArray();
    }

    private static string Describe(RecordKind kind, Hash hash) => kind == RecordKind.Object ? $"object {hash}" : kind.ToString().ToLowerInvariant();

    private void Remember(Hash hash, byte[] payload)
    {
        if (options.CacheBytes == 0)
        {
            return;
        }

        if (Interlocked.Add(ref cachedBytes, payload.Length) > options.CacheBytes)
        {
            cache.Clear();
            Interlocked.Exchange(ref cachedBytes, payload.Length);
        }

        cache[hash] = payload;
    }

    private byte[] EncodeRefs()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(refs.Count);
        var hashBytes = new byte[Hash.MaxLength];
        foreach (var (name, value) in refs.List())
        {
            writer.Write(name);
            value.CopyTo(hashBytes);
            writer.Write(hashBytes.AsSpan(0, value.Length));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private void DecodeRefs(byte[] payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString() ?? throw new CorruptDataException(where, superblock.RefsOffset, "a ref name is nil");
                var bytes = reader.ReadBytes() ?? throw new CorruptDataException(where, superblock.RefsOffset, "a ref value is nil");
                refs.Set(name, Hash.FromBytes(System.Buffers.BuffersExtensions.ToArray(bytes)));
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or ArgumentException)
        {
            throw new CorruptDataException(where, superblock.RefsOffset, "the refs table is malformed", e);
        }
    }

    /// <summary>Every object location in the index (checkpoint and tail), for fsck and gc.</summary>
    internal List<(Hash Hash, Location Location)> IndexedObjects()
    {
        lock (gate)
        {
            var all = tail.Select(t => (t.Key, t.Value)).ToList();
            if (checkpoint is not null)
            {
                all.AddRange(checkpoint.Enumerate().Where(e => !tail.ContainsKey(e.Hash)));
            }

            return all;
        }
    }

    internal IReadOnlyDictionary<string, Hash> RefsSnapshot()
    {
        lock (gate)
        {
            return new Dictionary<string, Hash>(refs.List());
        }
    }

    internal Lock FlushGate => flushGate;

    private void ThrowIfReadOnly()
    {
        if (options.ReadOnly)
        {
            throw new InvalidOperationException($"The pack {where} is open read-only.");
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            if (!options.ReadOnly)
            {
                Commit();
                bool due;
                lock (gate)
                {
                    due = tail.Count >= CloseCheckpointThreshold;
                }

                if (due)
                {
                    WriteCheckpoint();
                }
            }
        }
        finally
        {
            writerLock?.Dispose();
        }
    }
}
