namespace IrminSharp.Backends.Pack;

/// <summary>Sizes of a pack.</summary>
/// <param name="Objects">Objects in the index.</param>
/// <param name="LogBytes">Bytes of log in use (records, padding, old refs and checkpoints).</param>
/// <param name="CapacityBytes">Bytes the log can hold.</param>
/// <param name="LiveObjects">Objects reachable from the refs, when computed; else -1.</param>
/// <param name="LiveBytes">Bytes of those objects' records, when computed; else -1.</param>
/// <param name="Refs">Number of refs.</param>
/// <param name="Generation">The superblock generation.</param>
public sealed record PackStats(long Objects, long LogBytes, long CapacityBytes, long LiveObjects, long LiveBytes, int Refs, long Generation)
{
    /// <summary>Objects not reachable from any ref, when computed; else -1.</summary>
    public long DeadObjects => LiveObjects < 0 ? -1 : Objects - LiveObjects;
}
