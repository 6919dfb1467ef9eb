namespace IrminSharp.Store;

/// <summary>An object named by hash is not in the store.</summary>
public sealed class ObjectNotFoundException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public ObjectNotFoundException(Hash hash, string? what = null)
        : base($"{what ?? "object"} {hash} is not in the store")
    {
        Hash = hash;
    }

    private ObjectNotFoundException(string message, Hash hash)
        : base(message)
    {
        Hash = hash;
    }

    /// <summary>The missing object's hash.</summary>
    public Hash Hash { get; }

    /// <summary>A tree being written names an object the store does not hold and that cannot be copied in.</summary>
    internal static ObjectNotFoundException NamedByTree(Hash hash, string what) =>
        new($"the tree names {what} {hash}, which this store does not hold (a gc may have removed it)", hash);
}
