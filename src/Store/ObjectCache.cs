using System.Collections.Concurrent;

namespace IrminSharp.Store;

/// <summary>
/// A bounded cache by key. When full it drops everything and starts over, which keeps the hot
/// path free of bookkeeping; cached values are cheap to rebuild.
/// </summary>
/// <remarks>
/// The size is kept in a separate counter: <see cref="ConcurrentDictionary{TKey,TValue}.Count"/>
/// takes every lock of the dictionary and would serialize all readers.
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The cached value type.</typeparam>
internal sealed class ObjectCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int capacity;
    private readonly IEqualityComparer<TKey>? comparer;
    private ConcurrentDictionary<TKey, TValue> entries;
    private int count;

    public ObjectCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        this.capacity = capacity;
        this.comparer = comparer;
        entries = new ConcurrentDictionary<TKey, TValue>(comparer);
    }

    public bool TryGet(TKey key, out TValue value) => entries.TryGetValue(key, out value!);

    public void Add(TKey key, TValue value)
    {
        if (Interlocked.Increment(ref count) > capacity)
        {
            entries = new ConcurrentDictionary<TKey, TValue>(comparer);
            Interlocked.Exchange(ref count, 1);
        }

        entries[key] = value;
    }
}
