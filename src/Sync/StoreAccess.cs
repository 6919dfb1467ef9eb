namespace IrminSharp.Sync;

/// <summary>
/// What a client may do with one served store. Each level includes those before it: a client
/// that may force may also push and read, one that may push may also read.
/// </summary>
public enum StoreAccess
{
    /// <summary>Nothing: the store is not there for this client (it cannot even learn that it exists).</summary>
    None = 0,

    /// <summary>List the branches and tags and fetch their commits.</summary>
    Read = 1,

    /// <summary>Also push: create branches and tags, fast-forward branches.</summary>
    Write = 2,

    /// <summary>Also rewrite: move a branch to a commit that is not a descendant, move a tag (the client's force flag is still needed).</summary>
    Force = 3,
}
