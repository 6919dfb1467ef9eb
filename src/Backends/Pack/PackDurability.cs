namespace IrminSharp.Backends.Pack;

/// <summary>When a pack makes writes durable.</summary>
public enum PackDurability
{
    /// <summary>
    /// Every ref update waits until it and every object before it are on stable storage.
    /// Concurrent updates share one flush (group commit).
    /// </summary>
    EveryRefUpdate,

    /// <summary>Writes become durable at <see cref="PackStore.Flush"/> and when the pack is closed.</summary>
    Explicit,
}
