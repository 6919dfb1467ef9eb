namespace IrminSharp.Store.Tests;

/// <summary>Which removals of a whole value (a path) a <see cref="ReplicaSimulation{T}"/> lets its replicas make.</summary>
public enum PathRemoval
{
    /// <summary>Edits that would remove the path are skipped.</summary>
    Never,

    /// <summary>A replica may remove a path, but never edits one that is absent on it: a removed value is not created again there.</summary>
    NotRecreated,

    /// <summary>A replica may remove a path and later create it again.</summary>
    Recreated,
}
