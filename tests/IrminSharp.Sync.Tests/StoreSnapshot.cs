using IrminSharp.Backends.Memory;
using IrminSharp.Store;

namespace IrminSharp.Sync.Tests;

/// <summary>What an in-memory repository holds at one moment: its refs and how many objects.</summary>
public sealed record StoreSnapshot(string Refs, int Objects)
{
    /// <summary>The refs (every one, as "name=hash" lines) and the object count of <paramref name="repository"/>.</summary>
    public static StoreSnapshot Of<T>(Repository<T> repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var refs = string.Join('\n', repository.Refs.List().Select(r => $"{r.Key}={r.Value}"));
        return new StoreSnapshot(refs, ((MemoryObjectStore)repository.Objects.Store).Count);
    }
}
