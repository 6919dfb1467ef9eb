namespace IrminSharp.Compare;

/// <summary>
/// One timed push: how long it took, the bytes on the wire in both directions, and (where the
/// store reports them) how many objects it sent and their encoded bytes.
/// </summary>
internal sealed record PushRound(TimeSpan Elapsed, long WireBytes, long? Objects = null, long? ObjectBytes = null);
