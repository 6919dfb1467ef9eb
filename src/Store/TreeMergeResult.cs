using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// A three-way merge of two commits' trees that always yields a tree: every path that merged
/// cleanly, and at each conflicting path what <see cref="Resolution"/> chose. Building block for
/// merge strategies and for conflict files; a clean merge has no conflicts.
/// </summary>
/// <param name="Tree">The merged tree; null when it is empty.</param>
/// <param name="Conflicts">Every conflict, with its tree path (and path inside the value).</param>
/// <param name="Resolution">What the conflicting paths hold in <paramref name="Tree"/>.</param>
public sealed record TreeMergeResult(Tree? Tree, ImmutableArray<Conflict> Conflicts, ConflictResolution Resolution)
{
    /// <summary>Whether the merge had no conflict.</summary>
    public bool IsClean => Conflicts.IsDefaultOrEmpty;
}
