using System.Collections.Concurrent;

namespace IrminSharp.Store;

/// <summary>
/// A bounded cache of decoded objects by hash. When full it drops everything and starts over,
/// which keeps the hot path free of bookkeeping; decoded objects are cheap to rebuild.
/// </summary>
/// <typeparam name="TValue">The decoded object type.</typeparam>
internal sealed class ObjectCache<TValue>
    where TValue : class
{
    private readonly int capacity;
    private ConcurrentDictionary<Hash, TValue> entries = new();

    public ObjectCache(int capacity) => this.capacity = capacity;

    public bool TryGet(Hash hash, out TValue value) => entries.TryGetValue(hash, out value!);

    public void Add(Hash hash, TValue value)
    {
        var current = entries;
        if (current.Count >= capacity)
        {
            entries = current = new ConcurrentDictionary<Hash, TValue>();
        }

        current[hash] = value;
    }
}
