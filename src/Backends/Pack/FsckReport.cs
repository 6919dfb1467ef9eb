using System.Collections.Immutable;

namespace IrminSharp.Backends.Pack;

/// <summary>The result of a full check of a pack.</summary>
/// <param name="Records">Records read and checksummed.</param>
/// <param name="Objects">Object records whose hash was recomputed.</param>
/// <param name="Reachable">Objects reached from the refs and decoded.</param>
/// <param name="Problems">Everything found wrong; empty when the pack is clean.</param>
public sealed record FsckReport(long Records, long Objects, long Reachable, ImmutableArray<FsckProblem> Problems)
{
    /// <summary>Whether nothing is wrong.</summary>
    public bool IsClean => Problems.IsEmpty;
}
