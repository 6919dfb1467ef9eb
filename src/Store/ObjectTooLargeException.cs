namespace IrminSharp.Store;

/// <summary>An object is larger than the store can hold; nothing was written.</summary>
public sealed class ObjectTooLargeException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public ObjectTooLargeException(Hash hash, long size, long limit, string where)
        : base($"{where}: object {hash} is {size:N0} bytes encoded; the largest this store holds is {limit:N0} bytes")
    {
        Hash = hash;
        Size = size;
        Limit = limit;
    }

    /// <summary>The object's hash.</summary>
    public Hash Hash { get; }

    /// <summary>Its encoded size in bytes.</summary>
    public long Size { get; }

    /// <summary>The largest encoded object the store accepts.</summary>
    public long Limit { get; }
}
