namespace IrminSharp.Backends.Pack;

/// <summary>What a garbage collection kept and reclaimed.</summary>
/// <param name="LiveObjects">Objects kept (reachable from the branches, tags and kept commits).</param>
/// <param name="DeadObjects">Objects dropped.</param>
/// <param name="BytesBefore">Log bytes in use before.</param>
/// <param name="BytesAfter">Log bytes in use after.</param>
public sealed record GcResult(long LiveObjects, long DeadObjects, long BytesBefore, long BytesAfter);
