using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The pack engine: opens a pack at its newest valid root, serves reads (objects and refs) from
/// its state in memory and the log, queues writes, and hands durability to its
/// <see cref="CommitPipeline"/>. See docs/formats/pack.md.
/// </summary>
/// <remarks>
/// Locks, always taken in this order: <c>maintenance</c> (gc and fsck exclude each other), the
/// pipeline's <c>flushGate</c> (one appender at a time), and the state's gate (held briefly).
/// Reads take only the state's gate, to look an object up, and read the device outside it; an
/// object a gc moved meanwhile is looked up again.
/// </remarks>
internal sealed class PackFile : IDisposable
{
    private readonly ScheduledLock maintenance = new("pack.maintenance");
    private readonly RingLog log;
    private readonly PackOptions options;
    private readonly string where;
    private readonly WriterLock? writerLock;
    private readonly PackState state;
    private readonly CommitPipeline pipeline;
    private readonly ObjectBytesCache cache;
    private bool disposed;

    private PackFile(IBlockDevice device, PackOptions options, string where, WriterLock? writerLock, PackRoot root)
    {
        log = new RingLog(device, where);
        this.options = options;
        this.where = where;
        this.writerLock = writerLock;
        state = new PackState(root);
        cache = new ObjectBytesCache(options.CacheBytes);
        pipeline = new CommitPipeline(state, log, options, cache, where);
    }

    /// <summary>The durable root.</summary>
    public Superblock Current
    {
        get
        {
            using (state.Gate.EnterScope())
            {
                return state.Superblock;
            }
        }
    }

    public string Where => where;

    /// <summary>
    /// Set when open fell back to an older root because the newest was damaged, or found a
    /// superblock copy damaged (torn by a crash, or corrupt).
    /// </summary>
    public string? RecoveryNote { get; private set; }

    /// <summary>Whether open fell back to the previous root because the newest one's refs or index were damaged.</summary>
    public bool FellBack { get; private set; }

    public RingLog Log => log;

    public bool IsReadOnly => options.ReadOnly;

    /// <summary>The largest encoded object this pack accepts.</summary>
    public long MaxObjectBytes => Math.Min(pipeline.MaxPayload, options.MaxObjectBytes);

    /// <summary>How many gcs have moved the log's start since open (a reader's locations may be stale after one).</summary>
    public long Collections
    {
        get
        {
            using (state.Gate.EnterScope())
            {
                return state.Collections;
            }
        }
    }

    /// <summary>The ref version that is durable: every swap numbered up to it is on stable storage.</summary>
    public long DurableRefsVersion
    {
        get
        {
            using (state.Gate.EnterScope())
            {
                return state.DurableRefsVersion;
            }
        }
    }

    /// <summary>
    /// Opens a pack at its newest valid root (<see cref="PackRoot.LoadNewest"/>), holding the
    /// writer lock unless read-only.
    /// </summary>
    public static PackFile Open(IBlockDevice device, PackOptions options, string where)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.SectorSize < Superblock.Size || device.SectorCount < 3)
        {
            throw new CorruptDataException(where, 0, $"the device is too small to hold a pack ({device.SectorCount} sectors of {device.SectorSize} bytes)");
        }

        var writerLock = options.ReadOnly ? null : WriterLock.AcquireFor(device, options.LockPath, where);
        try
        {
            var log = new RingLog(device, where);
            var root = PackRoot.LoadNewest(log, device, options, where, out var note, out var fellBack);
            var pack = new PackFile(device, options, where, writerLock, root) { RecoveryNote = note, FellBack = fellBack };
            if (!options.ReadOnly)
            {
                pack.pipeline.ClaimWriter();
            }

            return pack;
        }
        catch
        {
            writerLock?.Dispose();
            throw;
        }
    }

    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encoded)
    {
        if (cache.TryGet(hash, out var hit))
        {
            encoded = hit;
            return true;
        }

        for (var attempt = 0; ; attempt++)
        {
            Location location;
            long seen;
            bool found;
            long? damage;
            using (state.Gate.EnterScope())
            {
                if (state.Pending.TryGetValue(hash, out var fresh))
                {
                    encoded = fresh;
                    return true;
                }

                seen = state.Collections;
                found = FindInIndex(hash, out location, out damage);
            }

            if (!found)
            {
                // A reader's index may be older than the writer's last gc, whose wrap can overwrite
                // the checkpoint it reads buckets from: look once more at the newest root.
                if (attempt == 0 && options.ReadOnly && Refresh())
                {
                    continue;
                }

                using (state.Gate.EnterScope())
                {
                    VerifyMiss(hash);
                }

                if (damage is { } at)
                {
                    throw new CorruptDataException(where, at, $"object {hash} is not indexed, and the log holds a damaged record the index skipped at {at}: it may be that object (run fsck)") { Object = hash };
                }

                encoded = default;
                return false;
            }

            SchedulePoint.Here("pack: object located");
            byte[] payload;
            try
            {
                payload = RecordReader.Read(log, where, location, RecordKind.Object, hash);
            }
            catch (CorruptDataException) when (attempt < 2 && LogMovedSince(seen))
            {
                // A gc moved the object after its location was looked up: look it up again.
                continue;
            }

            if (attempt < 2 && Collections != seen)
            {
                // A gc ended between the look-up and the read: the object may be collected now.
                continue;
            }

            SchedulePoint.Here("pack: object read");
            cache.Remember(hash, payload, seen);
            encoded = payload;
            return true;
        }
    }

    /// <summary>
    /// Looks an object up (under the state's gate). Damage met on the way (an index checkpoint
    /// segment that fails its checks) is a <see cref="CorruptDataException"/> naming the object;
    /// a miss returns the first damaged record the tail scan skipped, if any.
    /// </summary>
    private bool FindInIndex(Hash hash, out Location location, out long? damage)
    {
        try
        {
            damage = null;
            if (state.Index.TryFind(hash, out location))
            {
                return true;
            }
        }
        catch (CorruptDataException e) when (e.Object is null)
        {
            throw Unlocatable(hash, e);
        }

        damage = state.Index.FirstDamage(state.Superblock.LogStart);
        return false;
    }

    /// <summary>Under the state's gate: checks that a miss for <paramref name="hash"/> is no damaged index segment's doing.</summary>
    private void VerifyMiss(Hash hash)
    {
        try
        {
            state.Index.VerifyMiss(hash);
        }
        catch (CorruptDataException e) when (e.Object is null)
        {
            throw Unlocatable(hash, e);
        }
    }

    private CorruptDataException Unlocatable(Hash hash, CorruptDataException e) =>
        new(where, e.Offset, $"object {hash} cannot be located: {e.Reason}", e) { Object = hash };

    public bool Contains(Hash hash)
    {
        using (state.Gate.EnterScope())
        {
            return state.Pending.ContainsKey(hash) || state.Index.Contains(hash);
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

        using (state.Gate.EnterScope())
        {
            if (state.Pending.ContainsKey(hash) || state.Index.Contains(hash))
            {
                return false;
            }

            state.Pending[hash] = encoded.ToArray();
            state.PendingOrder.Add(hash);
            return true;
        }
    }

    /// <summary>Drops objects added and not yet written; see <see cref="CommitPipeline.Discard"/>.</summary>
    public bool Discard(IReadOnlyCollection<Hash> hashes)
    {
        ThrowIfReadOnly();
        return pipeline.Discard(hashes);
    }

    public bool TryReadRef(string name, out Hash value)
    {
        using (state.Gate.EnterScope())
        {
            return state.Refs.TryGet(name, out value);
        }
    }

    public IReadOnlyList<KeyValuePair<string, Hash>> ListRefs(string prefix)
    {
        using (state.Gate.EnterScope())
        {
            return state.Refs.List(prefix);
        }
    }

    /// <summary>
    /// Swaps a ref in memory and numbers the swap (<paramref name="version"/>); it is durable once
    /// <see cref="DurableRefsVersion"/> reaches that number (see <see cref="Commit"/>).
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The pack does not hold <paramref name="desired"/> (a gc may have collected it).</exception>
    public bool SwapRef(string name, Hash? expected, Hash? desired, out Hash? actual, out long version)
    {
        if (!SwapRefs([new RefSwap(name, expected, desired)], out actual, out version))
        {
            return false;
        }

        actual = expected;
        return true;
    }

    /// <summary>Swaps refs in memory, all or none, as one numbered swap (see <see cref="SwapRef"/>).</summary>
    /// <exception cref="ObjectNotFoundException">The pack does not hold a desired value.</exception>
    public bool SwapRefs(IReadOnlyList<RefSwap> swaps, out Hash? actual, out long version)
    {
        ThrowIfReadOnly();
        using (state.Gate.EnterScope())
        {
            return state.SwapRefs(swaps, out actual, out version);
        }
    }

    /// <summary>Reads and verifies one record; see <see cref="RecordReader.Read"/>.</summary>
    internal byte[] ReadRecord(Location location, RecordKind kind, Hash hash) => RecordReader.Read(log, where, location, kind, hash);

    private bool LogMovedSince(long seenCollections)
    {
        using (state.Gate.EnterScope())
        {
            if (state.Collections != seenCollections)
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

        using (pipeline.FlushGate.EnterScope())
        {
            var candidates = SuperblockPair.ReadValid(log.Device);
            if (candidates.Count == 0 || candidates[0].Generation == Current.Generation)
            {
                return false;
            }

            var root = PackRoot.Load(log, candidates[0], where);
            using (state.Gate.EnterScope())
            {
                var moved = root.Superblock.LogStart != state.Superblock.LogStart;
                state.Superblock = root.Superblock;
                state.AppendEnd = root.Superblock.LogEnd;
                state.Refs = root.Refs;
                state.Index = root.Index;
                if (moved)
                {
                    state.Collections++;
                    cache.Invalidate(state.Collections);
                }
            }

            return true;
        }
    }


    /// <summary>Every object location in the index (checkpoint and tail), for fsck and gc.</summary>
    internal List<(Hash Hash, Location Location)> IndexedObjects()
    {
        List<(Hash Hash, Location Location)> sortedTail;
        ObjectIndex current;
        using (state.Gate.EnterScope())
        {
            sortedTail = state.Index.SortedTail();
            current = state.Index;
        }

        return current.Enumerate(sortedTail).ToList();
    }

    /// <summary>Objects in the index: the checkpoint's count plus the tail (an object in both counts twice).</summary>
    internal long IndexedCount
    {
        get
        {
            using (state.Gate.EnterScope())
            {
                return (state.Index.Checkpoint?.Count ?? 0) + state.Index.TailCount;
            }
        }
    }

    internal IReadOnlyDictionary<string, Hash> RefsSnapshot()
    {
        using (state.Gate.EnterScope())
        {
            return new Dictionary<string, Hash>(state.Refs.List());
        }
    }

    /// <summary>Held by gc and fsck, which must not run at once.</summary>
    internal ScheduledLock Maintenance => maintenance;

    /// <summary>
    /// Makes every object added and every ref swapped so far durable (see
    /// <see cref="CommitPipeline.Commit"/>); nothing for a reader.
    /// </summary>
    public void Commit()
    {
        if (!options.ReadOnly)
        {
            pipeline.Commit();
        }
    }

    /// <summary>Writes a checkpoint of the whole index, so that opening reads it instead of scanning the log.</summary>
    public void WriteCheckpoint()
    {
        ThrowIfReadOnly();
        pipeline.WriteCheckpoint();
    }

    /// <summary>gc's steps (see <see cref="PackCollector"/>).</summary>
    internal CommitPipeline Pipeline => pipeline;

    /// <summary>
    /// Where an object is, if indexed; else whether it is added and not yet written. One look,
    /// so an object cannot move from one to the other in between.
    /// </summary>
    internal bool TryLocate(Hash hash, out Location location, out bool pending)
    {
        using (state.Gate.EnterScope())
        {
            pending = false;
            if (state.Index.TryFind(hash, out location))
            {
                return true;
            }

            pending = state.Pending.ContainsKey(hash);
            return false;
        }
    }

    /// <summary>Where an object is, if indexed.</summary>
    internal bool TryLocate(Hash hash, out Location location)
    {
        using (state.Gate.EnterScope())
        {
            return state.Index.TryFind(hash, out location);
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
                pipeline.Close();
            }
        }
        finally
        {
            writerLock?.Dispose();
        }
    }
}
