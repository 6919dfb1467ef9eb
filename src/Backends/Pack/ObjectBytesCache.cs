using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>Recently read objects' bytes, up to a byte budget; emptied whole when full or after a gc.</summary>
internal sealed class ObjectBytesCache(long capacityBytes)
{
    private readonly ConcurrentDictionary<Hash, byte[]> entries = new();
    private long bytes;

    public bool TryGet(Hash hash, out byte[] payload) => entries.TryGetValue(hash, out payload!);

    public bool Contains(Hash hash) => entries.ContainsKey(hash);

    public void Remember(Hash hash, byte[] payload)
    {
        if (capacityBytes == 0)
        {
            return;
        }

        if (Interlocked.Add(ref bytes, payload.Length) > capacityBytes)
        {
            entries.Clear();
            Interlocked.Exchange(ref bytes, payload.Length);
        }

        entries[hash] = payload;
    }

    public void Clear()
    {
        entries.Clear();
        Interlocked.Exchange(ref bytes, 0);
    }
}
