using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Garbage collection of a pack, concurrent with its writers. Live objects are copied to the
/// log's end in bounded batches between writers' commits; a final step, with writers held off,
/// copies what writers made live during the gc; then one root moves the log's start past the old
/// log. Until that root is durable the old log is intact, so a crash leaves the old or the new pack.
/// </summary>
/// <remarks>
/// The new log starts where the copy began, so it holds every object written since, plus the
/// copies. The closure is complete because: the copies are the closure of the refs when the gc
/// began; and the final step walks from the refs as they are then, from the objects kept, and from
/// every object written during the gc, copying any old object they reach that was not copied (a
/// writer may re-add content the gc had found dead, or name an old commit).
/// </remarks>
internal static class PackCollector
{
    private const long CopyBatchBytes = 4L << 20;

    public static GcResult Collect(PackFile file, Schema schema, IReadOnlyCollection<Hash> keep)
    {
        using (file.Maintenance.EnterScope())
        {
            var (copyStart, refRoots) = file.Pipeline.BeginCollection();
            var before = file.Current;
            var indexedBefore = file.IndexedCount;
            var live = new HashSet<Hash>();
            try
            {
                var batch = new List<(Hash Hash, byte[] Bytes)>();
                long batchBytes = 0;
                Walk(file, schema, refRoots, keep, live, copyStart, (hash, bytes) =>
                {
                    batch.Add((hash, bytes));
                    batchBytes += bytes.Length + RecordHeader.Size;
                    if (batchBytes >= CopyBatchBytes)
                    {
                        file.Pipeline.AppendCopies(batch);
                        batch.Clear();
                        batchBytes = 0;
                    }
                });
                file.Pipeline.AppendCopies(batch);
                SchedulePoint.Here("gc: marked and copied");
                var marked = live.Count;
                file.Pipeline.FinishCollection(copyStart, (roots, written) =>
                {
                    var late = new List<(Hash Hash, byte[] Bytes)>();
                    Walk(file, schema, roots, keep, live, copyStart, (hash, bytes) => late.Add((hash, bytes)));
                    var dropped = WalkWritten(file, schema, written, live, copyStart, late);
                    return (late, dropped);
                });
                var after = file.Current;
                return new GcResult(live.Count, Math.Max(0, indexedBefore - marked), before.LogEnd - before.LogStart, after.LogEnd - after.LogStart);
            }
            catch
            {
                file.Pipeline.AbandonCollection();
                throw;
            }
        }
    }

    /// <summary>
    /// The last step's walk from the objects written during the gc, which no ref may name yet.
    /// Old objects they reach are copied, so that a writer that names one later (a sync that
    /// stored objects, then sets a ref) finds it. An object whose closure reaches something
    /// missing (built on what an earlier gc collected; its writer saw the gc and starts again)
    /// is dropped with everything that names it, rather than kept half-stored. Returns the
    /// dropped objects.
    /// </summary>
    private static HashSet<Hash> WalkWritten(PackFile file, Schema schema, IReadOnlyCollection<Hash> written, HashSet<Hash> done, long copyStart, List<(Hash Hash, byte[] Bytes)> copies)
    {
        var namedBy = new Dictionary<Hash, List<Hash>>();
        var visited = new HashSet<Hash>();
        var missing = new List<Hash>();
        var old = new Dictionary<Hash, byte[]>();
        var stack = new Stack<(Hash Hash, Hash? Parent)>(written.Select(w => (w, (Hash?)null)));
        var children = new List<Hash>();
        while (stack.TryPop(out var item))
        {
            var hash = item.Hash;
            if (item.Parent is { } parent)
            {
                if (!namedBy.TryGetValue(hash, out var parents))
                {
                    namedBy[hash] = parents = [];
                }

                parents.Add(parent);
            }

            if (done.Contains(hash) || !visited.Add(hash))
            {
                continue;
            }

            if (!file.TryLocate(hash, out var location, out _))
            {
                missing.Add(hash);
                continue;
            }

            var bytes = file.ReadRecord(location, RecordKind.Object, hash);
            children.Clear();
            ObjectReferences.List(schema, bytes, hash, children);
            foreach (var child in children)
            {
                stack.Push((child, hash));
            }

            if (location.Offset < copyStart)
            {
                old[hash] = bytes;
            }
        }

        var broken = new HashSet<Hash>();
        var queue = new Queue<Hash>(missing);
        while (queue.TryDequeue(out var hash))
        {
            foreach (var parent in namedBy.GetValueOrDefault(hash) ?? [])
            {
                if (broken.Add(parent))
                {
                    queue.Enqueue(parent);
                }
            }
        }

        foreach (var (hash, bytes) in old)
        {
            if (!broken.Contains(hash))
            {
                copies.Add((hash, bytes));
                done.Add(hash);
            }
        }

        return broken;
    }

    /// <summary>
    /// Visits everything reachable from <paramref name="roots"/> and <paramref name="keep"/> that is
    /// not in <paramref name="done"/> (whose closure is known to be in the new log), adding it
    /// there, and hands each object that lies before <paramref name="copyStart"/> to <paramref name="copy"/>.
    /// </summary>
    private static void Walk(PackFile file, Schema schema, IEnumerable<Hash> roots, IReadOnlyCollection<Hash> keep, HashSet<Hash> done, long copyStart, Action<Hash, byte[]> copy)
    {
        var stack = new Stack<(Hash Hash, Hash? NamedBy)>(roots.Select(r => (r, (Hash?)null)));
        foreach (var kept in keep)
        {
            // A kept commit that is not stored (collected earlier, or never here) keeps nothing.
            if (file.TryLocate(kept, out _))
            {
                stack.Push((kept, null));
            }
        }

        var children = new List<Hash>();
        while (stack.TryPop(out var item))
        {
            var hash = item.Hash;
            if (done.Contains(hash))
            {
                continue;
            }

            if (!file.TryLocate(hash, out var location, out var pending))
            {
                // Added, not yet written: a ref swapped after the commit that began the gc. Its
                // write will be recorded, and the last step walks from it.
                if (pending)
                {
                    continue;
                }

                var namedBy = item.NamedBy is { } parent ? $"named by {parent}" : "a root";
                throw new CorruptDataException(file.Where, -1, $"object {hash} ({namedBy}) is reachable from the refs but not stored; gc stopped with nothing changed (run fsck)");
            }

            done.Add(hash);

            var bytes = file.ReadRecord(location, RecordKind.Object, hash);
            children.Clear();
            ObjectReferences.List(schema, bytes, hash, children);
            foreach (var child in children)
            {
                stack.Push((child, hash));
            }

            if (location.Offset < copyStart)
            {
                copy(hash, bytes);
            }
        }
    }
}
