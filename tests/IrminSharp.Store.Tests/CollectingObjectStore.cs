using IrminSharp.Store;

namespace IrminSharp.Store.Tests;

/// <summary>
/// An object store in memory that a test can garbage-collect: it removes objects and bumps
/// <see cref="Collections"/> as a real gc does, counts reads, and calls a hook after each add.
/// </summary>
internal sealed class CollectingObjectStore : IObjectStore
{
    private readonly Dictionary<Hash, byte[]> objects = [];
    private readonly Lock gate = new();
    private long collections;
    private long reads;

    /// <summary>Called after every add with the object's hash, outside the store's lock.</summary>
    public Action<Hash>? AfterAdd { get; set; }

    public long Collections => Interlocked.Read(ref collections);

    /// <summary>How many times <see cref="TryRead"/> was called.</summary>
    public long Reads => Interlocked.Read(ref reads);

    /// <summary>How many objects are stored.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return objects.Count;
            }
        }
    }

    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject)
    {
        Interlocked.Increment(ref reads);
        lock (gate)
        {
            if (objects.TryGetValue(hash, out var bytes))
            {
                encodedObject = bytes;
                return true;
            }

            encodedObject = default;
            return false;
        }
    }

    public bool Contains(Hash hash)
    {
        lock (gate)
        {
            return objects.ContainsKey(hash);
        }
    }

    public bool Add(Hash hash, ReadOnlySpan<byte> encodedObject)
    {
        bool added;
        lock (gate)
        {
            added = objects.TryAdd(hash, encodedObject.ToArray());
        }

        AfterAdd?.Invoke(hash);
        return added;
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }

    /// <summary>Removes <paramref name="hashes"/> and counts a collection, as a gc does.</summary>
    public void Collect(params IEnumerable<Hash> hashes)
    {
        lock (gate)
        {
            foreach (var hash in hashes)
            {
                objects.Remove(hash);
            }
        }

        Interlocked.Increment(ref collections);
    }

    /// <summary>
    /// A gc: removes every object not reachable from <paramref name="roots"/> (walked through
    /// <paramref name="db"/>) and counts a collection.
    /// </summary>
    public void CollectAllBut(ObjectDatabase db, IEnumerable<Hash> roots)
    {
        var live = ObjectGraph.Reachable(db, roots);
        List<Hash> dead;
        lock (gate)
        {
            dead = [.. objects.Keys.Where(h => !live.Contains(h))];
        }

        Collect(dead);
    }
}
