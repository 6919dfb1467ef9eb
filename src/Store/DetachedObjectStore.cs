namespace IrminSharp.Store;

/// <summary>
/// An object store that holds nothing: the backing of trees built in memory before they belong to
/// a repository, so that their hashes can be computed.
/// </summary>
internal sealed class DetachedObjectStore : IObjectStore
{
    public static DetachedObjectStore Instance { get; } = new();

    public static ObjectDatabase Database { get; } = new(Instance, NativeSchema.Instance, cacheCapacity: 1024);

    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject)
    {
        encodedObject = default;
        return false;
    }

    public bool Contains(Hash hash) => false;

    public bool Add(Hash hash, ReadOnlySpan<byte> encodedObject) => false;

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
