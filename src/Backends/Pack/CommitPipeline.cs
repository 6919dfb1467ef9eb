using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The write side of a pack: makes the state in memory durable as roots (commit protocol in
/// docs/formats/pack.md), writes checkpoints, and gives gc its steps. One appender at a time, under
/// <c>flushGate</c>; the state is read and changed under <see cref="PackState.Gate"/>.
/// </summary>
/// <remarks>
/// A root only ever names refs whose objects were written with it or before it: every root is
/// written from one snapshot, taken under the state's lock, of the objects waiting and of the
/// refs, and a writer adds its objects before it swaps a ref.
/// </remarks>
internal sealed class CommitPipeline
{
    /// <summary>At close, a tail this long is folded into a checkpoint so the next open is quick.</summary>
    private const int CloseCheckpointThreshold = 4096;

    private readonly ScheduledLock flushGate = new("pack.flush");
    private readonly PackState state;
    private readonly RingLog log;
    private readonly LogAppender appender;
    private readonly PackOptions options;
    private readonly ObjectBytesCache cache;
    private readonly CheckpointEncoder encoder;
    private readonly string where;

    public CommitPipeline(PackState state, RingLog log, PackOptions options, ObjectBytesCache cache, string where)
    {
        this.state = state;
        this.log = log;
        appender = new LogAppender(log, where, options.BatchBytes) { Reserve = options.GcReserveFor(log.Capacity, log.SectorSize) };
        this.options = options;
        this.cache = cache;
        encoder = new CheckpointEncoder(options.CheckpointSegmentEntries);
        this.where = where;
    }

    /// <summary>The largest payload one record can carry on this ring.</summary>
    public long MaxPayload => appender.MaxPayload;

    /// <summary>Held while appending; a reader reloading its root takes it too.</summary>
    public ScheduledLock FlushGate => flushGate;

    /// <summary>Writes a new superblock generation that records this process as the writer.</summary>
    public void ClaimWriter()
    {
        using (flushGate.EnterScope())
        {
            var next = state.Superblock with { Generation = state.Superblock.Generation + 1, WriterPid = Environment.ProcessId };
            SuperblockPair.Write(log.Device, next);
            using (state.Gate.EnterScope())
            {
                state.Superblock = next;
            }
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
        using (flushGate.EnterScope())
        {
            WriteRoot(withCheckpoint: false);
            if (CheckpointDue(Math.Max(options.CheckpointEvery, (state.Index.Checkpoint?.Count ?? 0) / 2)))
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
        using (flushGate.EnterScope())
        {
            WriteRoot(withCheckpoint: true);
        }
    }

    /// <summary>
    /// Drops objects added and not yet written (a transfer whose write failed for lack of space),
    /// so that later commits do not retry them and fail in turn (see
    /// <see cref="IObjectStore.Discard"/>). Nothing is dropped while a ref names an object not yet
    /// written, since it may name these; objects are content-addressed and no written object
    /// names a pending one, so dropping the rest loses nothing stored.
    /// </summary>
    public bool Discard(IReadOnlyCollection<Hash> hashes)
    {
        using (flushGate.EnterScope())
        {
            using (state.Gate.EnterScope())
            {
                foreach (var (_, target) in state.Refs.List())
                {
                    if (state.Pending.ContainsKey(target))
                    {
                        return false;
                    }
                }

                var dropped = 0;
                foreach (var hash in hashes)
                {
                    dropped += state.Pending.Remove(hash) ? 1 : 0;
                }

                if (dropped == 0)
                {
                    return false;
                }

                state.PendingOrder.RemoveAll(hash => !state.Pending.ContainsKey(hash));

                // As after a gc: whoever built on a dropped object sees the count move and starts again.
                state.Collections++;
                cache.Invalidate(state.Collections);
                return true;
            }
        }
    }

    private bool CheckpointDue(long threshold)
    {
        using (state.Gate.EnterScope())
        {
            // Geometric: rewriting the checkpoint costs its size, so wait for the tail to reach
            // half of it; the total cost stays linear in the objects written.
            return state.Index.TailCount >= threshold;
        }
    }

    private void TryWriteCheckpoint()
    {
        try
        {
            WriteRoot(withCheckpoint: true);
        }
        catch (Exception e) when (e is StoreFullException or IOException or CorruptDataException)
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
    private void WriteRoot(bool withCheckpoint, List<(Hash Hash, byte[] Bytes)>? extra = null, long? newLogStart = null, Func<Hash, Location, bool>? checkpointFilter = null)
    {
        List<(Hash Hash, byte[] Bytes)> objects;
        byte[]? refsPayload = null;
        var refsKind = RecordKind.Refs;
        RefsJournalState refsAfter = default;
        long refsSnapshot;
        List<(Hash Hash, Location Location)>? sortedTail = null;
        CheckpointIndex? previousCheckpoint;
        var sb = state.Superblock;
        using (state.Gate.EnterScope())
        {
            refsSnapshot = state.RefsVersion;
            var refsChanged = state.RefsVersion != state.DurableRefsVersion || newLogStart is not null;
            if (state.PendingOrder.Count == 0 && !refsChanged && !withCheckpoint && (extra is null || extra.Count == 0))
            {
                return;
            }

            objects = new List<(Hash, byte[])>(state.PendingOrder.Count);
            foreach (var hash in state.PendingOrder)
            {
                objects.Add((hash, state.Pending[hash]));
            }

            if (refsChanged || withCheckpoint)
            {
                // A checkpoint and a move of the log's start carry the full table (compaction).
                (refsKind, refsPayload, refsAfter) = RefsRecordPlanner.Plan(state, compact: withCheckpoint || newLogStart is not null, log.SectorSize, options.RefsCompactionBytes);
            }

            if (withCheckpoint)
            {
                sortedTail = state.Index.SortedTail();
            }

            previousCheckpoint = state.Index.Checkpoint;
        }

        SchedulePoint.Here("pack: root snapshot taken");

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
            records.Add((refsKind, default, refsPayload));
        }

        var logStart = newLogStart ?? sb.LogStart;
        var (locations, end) = appender.Append(sb.LogStart, state.AppendEnd, records);
        var written = objects.Count + (extra?.Count ?? 0);
        var next = sb with { Generation = sb.Generation + 1, LogStart = logStart, LogEnd = end, ObjectCount = sb.ObjectCount + objects.Count };
        if (refsPayload is not null)
        {
            next = next with { RefsOffset = locations[written].Offset, RefsLength = locations[written].Length };
        }

        CheckpointIndex? checkpoint = null;
        if (sortedTail is not null)
        {
            var fresh = new List<(Hash Hash, Location Location)>(written);
            for (var i = 0; i < written; i++)
            {
                fresh.Add((i < objects.Count ? objects[i].Hash : extra![i - objects.Count].Hash, locations[i]));
            }

            fresh.Sort(static (a, b) => a.Hash.CompareTo(b.Hash));
            var entries = CheckpointEncoder.Merge(CheckpointEncoder.Merge(previousCheckpoint?.Enumerate() ?? [], sortedTail), fresh);
            if (checkpointFilter is not null)
            {
                entries = entries.Where(e => checkpointFilter(e.Hash, e.Location));
            }

            // Segments stream out one at a time (a 100 M-object index is about 4.4 GB), each a
            // record of its own; more than one needs a directory record, which the root names.
            var segments = new List<CheckpointDirectoryEntry>();
            long count = 0;
            foreach (var segment in encoder.EncodeSegments(entries))
            {
                var (segmentAt, segmentEnd) = appender.Append(sb.LogStart, end, [(RecordKind.Checkpoint, default, segment.Payload)]);
                segments.Add(segment.At(segmentAt[0]));
                count += segment.Count;
                end = segmentEnd;
            }

            var checkpointRoot = segments[0].Location;
            if (segments.Count > 1)
            {
                var (directoryAt, directoryEnd) = appender.Append(sb.LogStart, end, [(RecordKind.Checkpoint, default, CheckpointDirectory.Encode(segments))]);
                checkpointRoot = directoryAt[0];
                end = directoryEnd;
            }

            next = next with
            {
                LogEnd = end,
                CheckpointOffset = checkpointRoot.Offset,
                CheckpointLength = checkpointRoot.Length,
                CheckpointCovers = end,
                ObjectCount = count,
            };
            SchedulePoint.Here("pack: checkpoint appended");
        }

        if (sortedTail is not null)
        {
            // Opened before the root is written: if it cannot be read back, nothing changed.
            checkpoint = CheckpointIndex.Open(log, next.CheckpointOffset, next.CheckpointLength, next.LogStart, next.LogEnd, where);
        }

        SchedulePoint.Here("pack: batch appended");
        log.Device.Flush();
        SchedulePoint.Here("pack: batch flushed");
        SuperblockPair.Write(log.Device, next);

        using (state.Gate.EnterScope())
        {
            for (var i = 0; i < written; i++)
            {
                var hash = i < objects.Count ? objects[i].Hash : extra![i - objects.Count].Hash;
                state.Index.Record(hash, locations[i]);
                if (i < objects.Count)
                {
                    state.Pending.Remove(hash);
                    state.WrittenDuringGc?.Add(hash);
                }
            }

            state.PendingOrder.RemoveRange(0, objects.Count);
            state.DurableRefsVersion = refsSnapshot;
            if (refsPayload is not null)
            {
                RefsRecordPlanner.Committed(state, refsAfter, refsSnapshot);
            }

            if (checkpoint is not null)
            {
                state.Index.ReplaceCheckpoint(checkpoint);
            }

            if (newLogStart is not null)
            {
                state.Collections++;
                cache.Invalidate(state.Collections);
            }

            state.Superblock = next;
            state.AppendEnd = end;
        }
    }

    /// <summary>
    /// Starts a gc: commits what is waiting, then notes the log end (everything before it is the
    /// old log) and the refs, and from now on records every object the pipeline writes.
    /// </summary>
    public (long CopyStart, List<Hash> Roots) BeginCollection()
    {
        using (flushGate.EnterScope())
        {
            WithoutReserve(() => WriteRoot(withCheckpoint: false));
            using (state.Gate.EnterScope())
            {
                state.WrittenDuringGc = [];
                return (state.AppendEnd, state.Refs.List().Select(r => r.Value).ToList());
            }
        }
    }

    /// <summary>
    /// Appends copies of objects at the log end, between writers' commits, and indexes them there.
    /// Not flushed: the next root (a writer's or gc's last) makes them durable.
    /// </summary>
    public void AppendCopies(IReadOnlyList<(Hash Hash, byte[] Bytes)> copies)
    {
        if (copies.Count == 0)
        {
            return;
        }

        using (flushGate.EnterScope())
        {
            var records = copies.Select(c => (RecordKind.Object, c.Hash, c.Bytes)).ToList();
            var (locations, end) = WithoutReserve(() => appender.Append(state.Superblock.LogStart, state.AppendEnd, records));
            using (state.Gate.EnterScope())
            {
                for (var i = 0; i < copies.Count; i++)
                {
                    state.Index.Record(copies[i].Hash, locations[i]);
                }

                state.AppendEnd = end;
            }

            SchedulePoint.Here("gc: copies appended");
        }
    }

    /// <summary>
    /// Ends a gc with writers held off: commits what is waiting, lets <paramref name="finalCopies"/>
    /// find what must still be copied (given the refs now and the objects written during the gc),
    /// then writes one root whose log starts at <paramref name="copyStart"/> with a checkpoint of
    /// everything after it but the objects it says to drop.
    /// </summary>
    public void FinishCollection(long copyStart, Func<IReadOnlyCollection<Hash>, IReadOnlyCollection<Hash>, (List<(Hash Hash, byte[] Bytes)> Copies, HashSet<Hash> Dropped)> finalCopies)
    {
        using (flushGate.EnterScope())
        {
            using (state.Gate.EnterScope())
            {
                WithoutReserve(() => WriteRoot(withCheckpoint: false));
                var roots = state.Refs.List().Select(r => r.Value).ToList();
                var written = state.WrittenDuringGc ?? [];
                var (copies, dropped) = finalCopies(roots, written);
                WithoutReserve(() => WriteRoot(withCheckpoint: true, copies, copyStart, (hash, location) => location.Offset >= copyStart && !dropped.Contains(hash)));
                state.WrittenDuringGc = null;
            }

        }
    }

    /// <summary>
    /// Under <c>flushGate</c>: runs gc's own writes, which may use the space ordinary writes leave
    /// free (<see cref="PackOptions.GcReserveBytes"/>), so that gc can free a full store.
    /// </summary>
    private void WithoutReserve(Action write) => WithoutReserve(() =>
    {
        write();
        return 0;
    });

    private T WithoutReserve<T>(Func<T> write)
    {
        var reserve = appender.Reserve;
        appender.Reserve = 0;
        try
        {
            return write();
        }
        finally
        {
            appender.Reserve = reserve;
        }
    }

    /// <summary>Stops recording writes for a gc that failed; the old log is still the whole log.</summary>
    public void AbandonCollection()
    {
        using (state.Gate.EnterScope())
        {
            state.WrittenDuringGc = null;
        }
    }

    /// <summary>At close: commits, and folds a long tail into a checkpoint so the next open is quick.</summary>
    public void Close()
    {
        Commit();
        if (CheckpointDue(CloseCheckpointThreshold))
        {
            using (flushGate.EnterScope())
            {
                TryWriteCheckpoint();
            }
        }
    }
}
