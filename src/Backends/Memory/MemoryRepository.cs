using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Backends.Memory;

/// <summary>Opens repositories held entirely in memory.</summary>
public static class MemoryRepository
{
    /// <summary>A new, empty in-memory repository of <paramref name="contentType"/> values.</summary>
    public static Repository<T> Create<T>(IContentType<T> contentType, RepositoryOptions? options = null) =>
        Repository<T>.Open(new MemoryObjectStore(), new MemoryRefStore(), contentType, options);
}
