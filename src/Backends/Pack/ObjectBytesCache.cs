using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Recently read objects' bytes, up to a byte budget; emptied whole when full. Entries belong to a
/// generation (the pack's gc count): a gc moves it on and empties the cache, and bytes read under
/// an older generation are never kept, since the object they hold may have been collected.
/// </summary>
internal sealed class ObjectBytesCache(long capacityBytes)
{
    private readonly ConcurrentDictionary<Hash, byte[]> entries = new();
    private long bytes;
    private long generation;

    public bool TryGet(Hash hash, out byte[] payload) => entries.TryGetValue(hash, out payload!);

    /// <summary>Keeps <paramref name="payload"/>, read while the pack's gc count was <paramref name="readIn"/>.</summary>
    public void Remember(Hash hash, byte[] payload, long readIn)
    {
        if (capacityBytes == 0 || Volatile.Read(ref generation) != readIn)
        {
            return;
        }

        if (Interlocked.Add(ref bytes, payload.Length) > capacityBytes)
        {
            entries.Clear();
            Interlocked.Exchange(ref bytes, payload.Length);
        }

        entries[hash] = payload;

        // A gc that moved the generation on meanwhile may have emptied the cache before this entry
        // landed: take it out again.
        if (Volatile.Read(ref generation) != readIn)
        {
            entries.TryRemove(hash, out _);
        }
    }

    /// <summary>Moves to <paramref name="next"/> (after a gc) and forgets everything.</summary>
    public void Invalidate(long next)
    {
        Volatile.Write(ref generation, next);
        entries.Clear();
        Interlocked.Exchange(ref bytes, 0);
    }
}
