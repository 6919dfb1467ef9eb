using System.Collections.Concurrent;
using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The pack engine: its state in memory (objects not yet written, refs, the object index, the
/// durable root) and the commit pipeline that makes that state durable. See docs/formats/pack.md.
/// </summary>
/// <remarks>
/// <para>
/// Commit protocol: append a batch, flush, write the next superblock, flush. At open the newest
/// valid superblock wins, so a batch that was not followed by its superblock (a torn tail) is
/// never read.
/// </para>
/// <para>
/// A root only ever names refs whose objects were written with it or before it: every root is
/// written from one snapshot, taken under <c>gate</c>, of the objects waiting to be written and
/// of the refs. A writer adds its objects before it swaps a ref, so any ref in the snapshot has
/// its objects in it or already on disk.
/// </para>
/// <para>
/// Locks, always taken in this order: <c>maintenance</c> (gc and fsck exclude each other),
/// <c>flushGate</c> (one appender at a time: the commit pipeline and gc's copies), <c>gate</c>
/// (the state in memory; held briefly, never across device I/O except in gc's final step).
/// </para>
/// </remarks>
internal sealed class PackFile : IDisposable
{
    /// <summary>At close, a tail this long is folded into a checkpoint so the next open is quick.</summary>
    private const int CloseCheckpointThreshold = 4096;

    private readonly Lock gate = new();
    private readonly Lock flushGate = new();
    private readonly Lock maintenance = new();
    private readonly RingLog log;
    private readonly LogAppender appender;
    private readonly PackOptions options;
    private readonly string where;
    private readonly WriterLock? writerLock;
    private readonly Dictionary<Hash, byte[]> pending = [];
    private readonly List<Hash> pendingOrder = [];
    private readonly ConcurrentDictionary<Hash, byte[]> cache = new();
    private ObjectIndex index;
    private RefTable refs;
    private Superblock superblock;
    private long appendEnd;
    private long cachedBytes;
    private long refsVersion;
    private long durableRefsVersion;
    private long collections;
    private HashSet<Hash>? writtenDuringGc;
    private bool disposed;

    private PackFile(IBlockDevice device, PackOptions options, string where, WriterLock? writerLock, PackRoot root)
    {
        log = new RingLog(device, where);
        appender = new LogAppender(log, where, options.BatchBytes);
        this.options = options;
        this.where = where;
        this.writerLock = writerLock;
        superblock = root.Superblock;
        appendEnd = root.Superblock.LogEnd;
        refs = root.Refs;
        index = root.Index;
    }

    /// <summary>The durable root.</summary>
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

    /// <summary>The largest encoded object this pack accepts.</summary>
    public long MaxObjectBytes => Math.Min(appender.MaxPayload, options.MaxObjectBytes);

    /// <summary>How many gcs have moved the log's start since open (a reader's locations may be stale after one).</summary>
    public long Collections
    {
        get
        {
            lock (gate)
            {
                return collections;
            }
        }
    }

    /// <summary>The ref version that is durable: every swap numbered up to it is on stable storage.</summary>
    public long DurableRefsVersion
    {
        get
        {
            lock (gate)
            {
                return durableRefsVersion;
            }
        }
    }

    /// <summary>Formats a new, empty pack on <paramref name="device"/>.</summary>
    public static void Format(IBlockDevice device, string schema, string contentType) => SuperblockPair.Format(device, schema, contentType);

    /// <summary>
    /// Opens a pack at its newest valid root. A damaged newest root (its refs or index fail their
    /// checks) is never skipped silently by a writer: the open fails unless
    /// <see cref="PackOptions.RecoverDamagedRoot"/> asks for the previous root. An I/O error is
    /// reported as it is, never taken for damage.
    /// </summary>
    public static PackFile Open(IBlockDevice device, PackOptions options, string where)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.SectorSize < Superblock.Size || device.SectorCount < 3)
        {
            throw new CorruptDataException(where, 0, $"the device is too small to hold a pack ({device.SectorCount} sectors of {device.SectorSize} bytes)");
        }

        var writerLock = options.ReadOnly ? null : AcquireLock(device, options, where);
        try
        {
            var log = new RingLog(device, where);
            var candidates = SuperblockPair.ReadValid(device);
            if (candidates.Count == 0)
            {
                throw new CorruptDataException(where, 0, "no valid superblock: this is not an IrminSharp pack, or both superblocks are damaged");
            }

            // A root made for a larger device (a truncated image, the wrong device) is never used.
            SuperblockPair.CheckGeometry(candidates[0], device, where);

            string? note = null;
            PackRoot root;
            try
            {
                root = PackRoot.Load(log, candidates[0], where);
            }
            catch (CorruptDataException damage) when (candidates.Count > 1)
            {
                var newest = candidates[0].Generation;
                var previous = candidates[1].Generation;
                if (!options.ReadOnly && !options.RecoverDamagedRoot)
                {
                    throw new CorruptDataException(
                        where,
                        damage.Offset,
                        $"the newest root (generation {newest}) is damaged: {damage.Reason}. The previous root (generation {previous}) is intact; open read-only to read it, or recover to make it current (what the newest root added is then lost)",
                        damage);
                }

                SuperblockPair.CheckGeometry(candidates[1], device, where);
                root = PackRoot.Load(log, candidates[1], where);
                note = $"the newest root (generation {newest}) could not be read ({damage.Reason}); opened the previous root, generation {previous}";

                // A writer's next root must supersede the damaged one, or the next open would pick it again.
                root = root with { Superblock = root.Superblock with { Generation = Math.Max(newest, previous) } };
            }

            var pack = new PackFile(device, options, where, writerLock, root) { RecoveryNote = note };
            if (!options.ReadOnly)
            {
                pack.ClaimWriter();
            }

            return pack;
        }
        catch
        {
            writerLock?.Dispose();
            throw;
        }
    }

    private static WriterLock? AcquireLock(IBlockDevice device, PackOptions options, string where)
    {
        if (options.LockPath is not { } lockPath)
        {
            return null;
        }

        try
        {
            return WriterLock.Acquire(lockPath, where);
        }
        catch (StoreLockedException e) when (e.Pid is null)
        {
            // The lock file could not be read: the writer also records its pid in the superblock.
            var pid = SuperblockPair.ReadValid(device).Select(s => s.WriterPid).FirstOrDefault();
            throw new StoreLockedException(where, pid > 0 ? pid : null, e);
        }
    }

    private void ClaimWriter()
    {
        // Record the writer's pid in a new superblock generation (nothing else changes).
        lock (flushGate)
        {
            var next = superblock with { Generation = superblock.Generation + 1, WriterPid = Environment.ProcessId };
            SuperblockPair.Write(log.Device, next);
            lock (gate)
            {
                superblock = next;
            }
        }
    }

    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encoded)
    {
        if (cache.TryGetValue(hash, out var hit))
        {
            encoded = hit;
            return true;
        }

        for (var attempt = 0; ; attempt++)
        {
            Location location;
            long seen;
            lock (gate)
            {
                if (pending.TryGetValue(hash, out var fresh))
                {
                    encoded = fresh;
                    return true;
                }

                seen = collections;
                if (!index.TryFind(hash, out location))
                {
                    encoded = default;
                    return false;
                }
            }

            byte[] payload;
            try
            {
                payload = RecordReader.Read(log, where, location, RecordKind.Object, hash);
            }
            catch (CorruptDataException) when (attempt == 0 && LogMovedSince(seen))
            {
                // A gc moved the object after its location was looked up: look it up again.
                continue;
            }

            Remember(hash, payload);
            encoded = payload;
            return true;
        }
    }

    public bool Contains(Hash hash)
    {
        if (cache.ContainsKey(hash))
        {
            return true;
        }

        lock (gate)
        {
            return pending.ContainsKey(hash) || index.Contains(hash);
        }
    }

    /// <summary>Queues an object for the next commit; false when it is stored or queued already.</summary>
    /// <exception cref="ObjectTooLargeException">It is larger than <see cref="MaxObjectBytes"/>; nothing is queued.</exception>
    public bool Add(Hash hash, ReadOnlySpan<byte> encoded)
    {
        ThrowIfReadOnly();
        if (encoded.Length > MaxObjectBytes)
        {
            throw new ObjectTooLargeException(hash, encoded.Length, MaxObjectBytes, where);
        }

        lock (gate)
        {
            if (pending.ContainsKey(hash) || index.Contains(hash))
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

    /// <summary>
    /// Swaps a ref in memory and numbers the swap (<paramref name="version"/>); it is durable once
    /// <see cref="DurableRefsVersion"/> reaches that number (see <see cref="Commit"/>).
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The pack does not hold <paramref name="desired"/> (a gc may have collected it).</exception>
    public bool SwapRef(string name, Hash? expected, Hash? desired, out Hash? actual, out long version)
    {
        ThrowIfReadOnly();
        lock (gate)
        {
            if (desired is { } d && !pending.ContainsKey(d) && !index.Contains(d))
            {
                throw new ObjectNotFoundException(d, $"the object ref '{name}' would be set to");
            }

            if (!refs.TrySwap(name, expected, desired, out actual))
            {
                version = refsVersion;
                return false;
            }

            version = ++refsVersion;
            return true;
        }
    }

    /// <summary>
    /// Makes every object added and every ref swapped so far durable: one batch, a flush, the next
    /// superblock, a flush. Concurrent callers share one write (group commit). A checkpoint that
    /// falls due afterwards is best effort: the commit is already durable, so its failure is not
    /// the caller's.
    /// </summary>
    public void Commit()
    {
        if (options.ReadOnly)
        {
            return;
        }

        lock (flushGate)
        {
            WriteRoot(withCheckpoint: false);
            if (CheckpointDue(Math.Max(options.CheckpointEvery, (index.Checkpoint?.Count ?? 0) / 2)))
            {
                TryWriteCheckpoint();
            }
        }
    }

    /// <summary>
    /// Writes a checkpoint of the whole index (with everything still waiting to be written), so
    /// that opening reads it instead of scanning the log.
    /// </summary>
    public void WriteCheckpoint()
    {
        ThrowIfReadOnly();
        lock (flushGate)
        {
            WriteRoot(withCheckpoint: true);
        }
    }

    private bool CheckpointDue(long threshold)
    {
        lock (gate)
        {
            // Geometric: rewriting the checkpoint costs its size, so wait for the tail to reach
            // half of it; the total cost stays linear in the objects written.
            return index.TailCount >= threshold;
        }
    }

    private void TryWriteCheckpoint()
    {
        try
        {
            WriteRoot(withCheckpoint: true);
        }
        catch (Exception e) when (e is StoreFullException or IOException)
        {
            // The commit before it is durable; the next commit tries again. Opening scans a longer
            // tail meanwhile.
        }
    }

    /// <summary>
    /// Under <c>flushGate</c>: writes the objects waiting, then <paramref name="extra"/> (gc's
    /// copies), the refs if they changed (or the log start moves), and a checkpoint when asked,
    /// then the next root. The checkpoint holds <paramref name="checkpointFilter"/>'s entries of
    /// the index, or all of them.
    /// </summary>
    private void WriteRoot(bool withCheckpoint, List<(Hash Hash, byte[] Bytes)>? extra = null, long? newLogStart = null, Func<Location, bool>? checkpointFilter = null)
    {
        List<(Hash Hash, byte[] Bytes)> objects;
        byte[]? refsPayload = null;
        long refsSnapshot;
        List<(Hash Hash, Location Location)>? sortedTail = null;
        Checkpoint? previousCheckpoint;
        var sb = superblock;
        lock (gate)
        {
            refsSnapshot = refsVersion;
            var refsChanged = refsVersion != durableRefsVersion || newLogStart is not null;
            if (pendingOrder.Count == 0 && !refsChanged && !withCheckpoint && (extra is null || extra.Count == 0))
            {
                return;
            }

            objects = new List<(Hash, byte[])>(pendingOrder.Count);
            foreach (var hash in pendingOrder)
            {
                objects.Add((hash, pending[hash]));
            }

            if (refsChanged || withCheckpoint)
            {
                refsPayload = RefsRecord.Encode(refs.List());
            }

            if (withCheckpoint)
            {
                sortedTail = index.SortedTail();
            }

            previousCheckpoint = index.Checkpoint;
        }

        var records = new List<(RecordKind, Hash, byte[])>(objects.Count + (extra?.Count ?? 0) + 2);
        foreach (var (hash, bytes) in objects)
        {
            records.Add((RecordKind.Object, hash, bytes));
        }

        foreach (var (hash, bytes) in extra ?? [])
        {
            records.Add((RecordKind.Object, hash, bytes));
        }

        if (refsPayload is not null)
        {
            records.Add((RecordKind.Refs, default, refsPayload));
        }

        var logStart = newLogStart ?? sb.LogStart;
        var (locations, end) = appender.Append(sb.LogStart, appendEnd, records);
        var written = objects.Count + (extra?.Count ?? 0);
        var next = sb with { Generation = sb.Generation + 1, LogStart = logStart, LogEnd = end, ObjectCount = sb.ObjectCount + objects.Count };
        if (refsPayload is not null)
        {
            next = next with { RefsOffset = locations[written].Offset, RefsLength = locations[written].Length };
        }

        Checkpoint? checkpoint = null;
        if (sortedTail is not null)
        {
            var fresh = new List<(Hash Hash, Location Location)>(written);
            for (var i = 0; i < written; i++)
            {
                fresh.Add((i < objects.Count ? objects[i].Hash : extra![i - objects.Count].Hash, locations[i]));
            }

            fresh.Sort(static (a, b) => a.Hash.CompareTo(b.Hash));
            var entries = ObjectIndex.Merge(ObjectIndex.Merge(previousCheckpoint?.Enumerate() ?? [], sortedTail), fresh);
            if (checkpointFilter is not null)
            {
                entries = entries.Where(e => checkpointFilter(e.Location));
            }

            var sorted = entries.ToList();
            var payload = Checkpoint.Encode(sorted);
            var (checkpointAt, checkpointEnd) = appender.Append(sb.LogStart, end, [(RecordKind.Checkpoint, default, payload)]);
            end = checkpointEnd;
            next = next with
            {
                LogEnd = end,
                CheckpointOffset = checkpointAt[0].Offset,
                CheckpointLength = checkpointAt[0].Length,
                CheckpointCovers = end,
                ObjectCount = sorted.Count,
            };
            SchedulePoints.Reached("pack: checkpoint appended");
        }

        if (sortedTail is not null)
        {
            // Opened before the root is written: if it cannot be read back, nothing changed.
            checkpoint = Checkpoint.Open(log, next.CheckpointOffset + RecordHeader.Size, next.CheckpointLength - RecordHeader.Size, where);
        }

        SchedulePoints.Reached("pack: batch appended");
        log.Device.Flush();
        SchedulePoints.Reached("pack: batch flushed");
        SuperblockPair.Write(log.Device, next);

        lock (gate)
        {
            for (var i = 0; i < written; i++)
            {
                var hash = i < objects.Count ? objects[i].Hash : extra![i - objects.Count].Hash;
                index.Record(hash, locations[i]);
                if (i < objects.Count)
                {
                    pending.Remove(hash);
                    writtenDuringGc?.Add(hash);
                }
            }

            pendingOrder.RemoveRange(0, objects.Count);
            durableRefsVersion = refsSnapshot;
            if (checkpoint is not null)
            {
                index.ReplaceCheckpoint(checkpoint);
            }

            if (newLogStart is not null)
            {
                collections++;
            }

            superblock = next;
            appendEnd = end;
        }
    }

    internal void ForgetCache()
    {
        cache.Clear();
        Interlocked.Exchange(ref cachedBytes, 0);
    }

    /// <summary>Reads and verifies one record; see <see cref="RecordReader.Read"/>.</summary>
    internal byte[] ReadRecord(Location location, RecordKind kind, Hash hash) => RecordReader.Read(log, where, location, kind, hash);

    private bool LogMovedSince(long seenCollections)
    {
        lock (gate)
        {
            if (collections != seenCollections)
            {
                return true;
            }
        }

        return options.ReadOnly && Refresh();
    }

    /// <summary>
    /// For a reader: loads the root again if a writer has made a newer one (its refs, and the
    /// index if the log moved). True when something changed.
    /// </summary>
    public bool Refresh()
    {
        if (!options.ReadOnly)
        {
            return false;
        }

        lock (flushGate)
        {
            var candidates = SuperblockPair.ReadValid(log.Device);
            if (candidates.Count == 0 || candidates[0].Generation == Current.Generation)
            {
                return false;
            }

            var root = PackRoot.Load(log, candidates[0], where);
            lock (gate)
            {
                var moved = root.Superblock.LogStart != superblock.LogStart;
                superblock = root.Superblock;
                appendEnd = root.Superblock.LogEnd;
                refs = root.Refs;
                index = root.Index;
                if (moved)
                {
                    collections++;
                }
            }

            ForgetCache();
            return true;
        }
    }

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

    /// <summary>Every object location in the index (checkpoint and tail), for fsck and gc.</summary>
    internal List<(Hash Hash, Location Location)> IndexedObjects()
    {
        List<(Hash Hash, Location Location)> sortedTail;
        ObjectIndex current;
        lock (gate)
        {
            sortedTail = index.SortedTail();
            current = index;
        }

        return current.Enumerate(sortedTail).ToList();
    }

    /// <summary>Objects in the index: the checkpoint's count plus the tail (an object in both counts twice).</summary>
    internal long IndexedCount
    {
        get
        {
            lock (gate)
            {
                return (index.Checkpoint?.Count ?? 0) + index.TailCount;
            }
        }
    }

    internal IReadOnlyDictionary<string, Hash> RefsSnapshot()
    {
        lock (gate)
        {
            return new Dictionary<string, Hash>(refs.List());
        }
    }

    /// <summary>Held by gc and fsck, which must not run at once.</summary>
    internal Lock Maintenance => maintenance;

    /// <summary>
    /// Starts a gc: commits what is waiting, then notes the log end (everything before it is the
    /// old log) and the refs, and from now on records every object the pipeline writes.
    /// </summary>
    internal (long CopyStart, List<Hash> Roots) BeginCollection()
    {
        lock (flushGate)
        {
            WriteRoot(withCheckpoint: false);
            lock (gate)
            {
                writtenDuringGc = [];
                return (appendEnd, refs.List().Select(r => r.Value).ToList());
            }
        }
    }

    /// <summary>Where an object is, if indexed.</summary>
    internal bool TryLocate(Hash hash, out Location location)
    {
        lock (gate)
        {
            return index.TryFind(hash, out location);
        }
    }

    /// <summary>
    /// Appends copies of objects at the log end, between writers' commits, and indexes them there.
    /// Not flushed: the next root (a writer's or gc's last) makes them durable.
    /// </summary>
    internal void AppendCopies(IReadOnlyList<(Hash Hash, byte[] Bytes)> copies)
    {
        if (copies.Count == 0)
        {
            return;
        }

        lock (flushGate)
        {
            var records = copies.Select(c => (RecordKind.Object, c.Hash, c.Bytes)).ToList();
            var (locations, end) = appender.Append(superblock.LogStart, appendEnd, records);
            lock (gate)
            {
                for (var i = 0; i < copies.Count; i++)
                {
                    index.Record(copies[i].Hash, locations[i]);
                }

                appendEnd = end;
            }

            SchedulePoints.Reached("gc: copies appended");
        }
    }

    /// <summary>
    /// Ends a gc with writers held off: commits what is waiting, lets <paramref name="finalCopies"/>
    /// find what must still be copied (given the refs now and the objects written during the gc),
    /// then writes one root whose log starts at <paramref name="copyStart"/> with a checkpoint of
    /// everything after it.
    /// </summary>
    internal void FinishCollection(long copyStart, Func<IReadOnlyCollection<Hash>, IReadOnlyCollection<Hash>, List<(Hash Hash, byte[] Bytes)>> finalCopies)
    {
        lock (flushGate)
        {
            lock (gate)
            {
                WriteRoot(withCheckpoint: false);
                var roots = refs.List().Select(r => r.Value).ToList();
                var written = writtenDuringGc ?? [];
                var copies = finalCopies(roots, written);
                WriteRoot(withCheckpoint: true, copies, copyStart, location => location.Offset >= copyStart);
                writtenDuringGc = null;
            }

            ForgetCache();
        }
    }

    /// <summary>Stops recording writes for a gc that failed; the old log is still the whole log.</summary>
    internal void AbandonCollection()
    {
        lock (gate)
        {
            writtenDuringGc = null;
        }
    }

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
                if (CheckpointDue(CloseCheckpointThreshold))
                {
                    lock (flushGate)
                    {
                        TryWriteCheckpoint();
                    }
                }
            }
        }
        finally
        {
            writerLock?.Dispose();
        }
    }
}
