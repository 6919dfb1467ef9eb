using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>A concurrent map from hashes to small numbers that forgets everything once it has taken a million entries.</summary>
internal sealed class BoundedHashMap
{
    private const int Capacity = 1 << 20;
    private readonly ConcurrentDictionary<Hash, int> values = new();
    private int adds;

    public bool TryGetValue(Hash key, out int value) => values.TryGetValue(key, out value);

    public void Set(Hash key, int value)
    {
        // ConcurrentDictionary.Count takes every lock: count the adds instead.
        if (Interlocked.Increment(ref adds) > Capacity)
        {
            Interlocked.Exchange(ref adds, 0);
            values.Clear();
        }

        values[key] = value;
    }
}
