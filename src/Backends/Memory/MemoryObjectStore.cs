using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Backends.Memory;

/// <summary>An object store in memory: a concurrent dictionary of encoded objects.</summary>
public sealed class MemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<Hash, byte[]> objects = new();

    /// <summary>How many objects are stored.</summary>
    public int Count => objects.Count;

    /// <summary>How many bytes of encoded objects are stored.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    private long bytes;

    /// <inheritdoc/>
    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject)
    {
        if (objects.TryGetValue(hash, out var data))
        {
            encodedObject = data;
            return true;
        }

        encodedObject = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Contains(Hash hash) => objects.ContainsKey(hash);

    /// <inheritdoc/>
    public bool Add(Hash hash, ReadOnlySpan<byte> encodedObject)
    {
        if (objects.ContainsKey(hash))
        {
            return false;
        }

        if (objects.TryAdd(hash, encodedObject.ToArray()))
        {
            Interlocked.Add(ref bytes, encodedObject.Length);
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Flush()
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
