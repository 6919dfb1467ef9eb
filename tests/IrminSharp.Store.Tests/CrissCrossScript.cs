using System.Collections.Immutable;

namespace IrminSharp.Store.Tests;

/// <summary>
/// A generated criss-cross for two replicas r0 and r1: edits before they merge each other
/// concurrently, the value both agree on where those merges conflict, and edits after.
/// </summary>
/// <param name="Paths">The number of paths (2 to 4, some nested).</param>
/// <param name="Agreed">The number of the sample value both sides resolve conflicts to.</param>
/// <param name="Before">Edit codes (in [0, <see cref="Codes"/>)) before the replicas merge each other.</param>
/// <param name="After">Edit codes after.</param>
public sealed record CrissCrossScript(int Paths, int Agreed, ImmutableArray<int> Before, ImmutableArray<int> After)
{
    /// <summary>The number of edit codes: 2 replicas × 4 paths × 64 parameters.</summary>
    public const int Codes = 2 * 4 * 64;

    /// <summary>The edits before the replicas merge each other.</summary>
    public IEnumerable<ReplicaStep> BeforeSteps => Before.Select(Decode);

    /// <summary>The edits after.</summary>
    public IEnumerable<ReplicaStep> AfterSteps => After.Select(Decode);

    /// <inheritdoc/>
    public override string ToString() =>
        $"CrissCrossScript({Paths} paths, agreed {Agreed}, before [{string.Join(", ", Before)}], after [{string.Join(", ", After)}])";

    private ReplicaStep Decode(int code) => new(false, code % 2, code / 2 % 4 % Paths, code / 8 % 64);
}
