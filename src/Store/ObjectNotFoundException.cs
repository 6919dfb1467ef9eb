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

    /// <summary>The missing object's hash.</summary>
    public Hash Hash { get; }
}
