using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// Recursive three-way merge of trees. Subtrees equal on two sides are decided without being
/// read, and a node's merge visits only the steps either side changed, so the cost follows the
/// size of the changes, not of the trees.
/// </summary>
/// <remarks>
/// The ancestor may be a virtual one (the merge of several common ancestors) that conflicted at
/// some paths. There the ancestor is unknown: no side counts as unchanged, and a contents merge
/// that needs the ancestor fails with the ancestors' conflicts, as Git merges against a virtual
/// ancestor holding conflict markers. Where both sides agree, the merge carries on.
/// </remarks>
internal sealed class TreeMerge
{
    private readonly ObjectDatabase db;
    private readonly MergeFunction<Option<ReadOnlyMemory<byte>>> contents;
    private readonly ConflictResolution resolution;
    private readonly IReadOnlyDictionary<StorePath, ImmutableArray<Conflict>> unknown;
    // For each path above an unknown one, the steps that lead down towards unknown paths.
    private readonly Dictionary<StorePath, HashSet<string>> aboveUnknown = [];
    private readonly List<Conflict> conflicts = [];

    private TreeMerge(
        ObjectDatabase db,
        MergeFunction<Option<ReadOnlyMemory<byte>>> contents,
        ConflictResolution resolution,
        IReadOnlyDictionary<StorePath, ImmutableArray<Conflict>> unknown)
    {
        this.db = db;
        this.contents = contents;
        this.resolution = resolution;
        this.unknown = unknown;
        foreach (var path in unknown.Keys)
        {
            for (var below = path; !below.IsRoot;)
            {
                var above = below.Parent;
                if (!aboveUnknown.TryGetValue(above, out var steps))
                {
                    aboveUnknown[above] = steps = new HashSet<string>(StringComparer.Ordinal);
                }

                if (!steps.Add(below.Last))
                {
                    break; // the paths above were recorded with this step
                }

                below = above;
            }
        }
    }

    /// <summary>
    /// Merges <paramref name="ours"/> and <paramref name="theirs"/> against
    /// <paramref name="ancestor"/> (null: absent), whose version of the paths in
    /// <paramref name="unknown"/> is unknown (the common ancestors conflicted there).
    /// </summary>
    public static TreeMergeResult Merge(
        ObjectDatabase db,
        Tree? ancestor,
        IReadOnlyDictionary<StorePath, ImmutableArray<Conflict>> unknown,
        Tree? ours,
        Tree? theirs,
        MergeFunction<Option<ReadOnlyMemory<byte>>> contents,
        ConflictResolution resolution)
    {
        var merge = new TreeMerge(db, contents, resolution, unknown);
        var tree = merge.MergeAt(StorePath.Root, ancestor, ours, theirs);
        return new TreeMergeResult(tree is { IsNode: true, IsEmpty: true } ? null : tree, [.. merge.conflicts], resolution);
    }

    private Tree? MergeAt(StorePath path, Tree? ancestor, Tree? ours, Tree? theirs)
    {
        if (unknown.TryGetValue(path, out var ancestorConflicts))
        {
            return MergeAgainstUnknown(path, ours, theirs, ancestorConflicts);
        }

        // Equal sides are not a shortcut: a counter incremented alike on both sides must count
        // both increments, so equal sides that differ from the ancestor still merge below. Below
        // a path whose ancestor is unknown, nothing counts as unchanged.
        var settled = !aboveUnknown.ContainsKey(path);
        if (settled && TreeDiff.Same(db, ancestor, theirs))
        {
            return ours;
        }

        if (settled && TreeDiff.Same(db, ancestor, ours))
        {
            return theirs;
        }

        var oursIsContents = ours is { IsContents: true };
        var theirsIsContents = theirs is { IsContents: true };
        if (!oursIsContents && !theirsIsContents)
        {
            // Both sides are nodes, or one is absent: merge entry by entry.
            var merged = MergeNodes(path, ancestor is { IsNode: true } a ? a : Tree.Empty, ours ?? Tree.Empty, theirs ?? Tree.Empty);
            return merged.IsEmpty ? null : merged;
        }

        if ((ours is null || oursIsContents) && (theirs is null || theirsIsContents))
        {
            var old = ancestor is { IsContents: true }
                ? Ancestor<Option<ReadOnlyMemory<byte>>>.Lazy(() => MergeResult<Option<Option<ReadOnlyMemory<byte>>>>.Ok(Option<Option<ReadOnlyMemory<byte>>>.Some(Option<ReadOnlyMemory<byte>>.Some(ancestor.Value))))
                : Ancestor<Option<ReadOnlyMemory<byte>>>.Of(Option<ReadOnlyMemory<byte>>.None);
            var metadata = MergeMetadata(ancestor is { IsContents: true } ? ancestor.Metadata : null, ours, theirs);
            return MergeContents(path, old, metadata, ancestor, ours, theirs);
        }

        return Conflicted(path, new Conflict(string.Empty, "one side has contents where the other has a directory"), ancestor, ours, theirs);
    }

    private Tree MergeNodes(StorePath path, Tree ancestor, Tree ours, Tree theirs)
    {
        var changedByUs = new HashSet<string>(TreeDiff.ChangedSteps(db, ancestor, ours), StringComparer.Ordinal);
        var changedByThem = new SortedSet<string>(TreeDiff.ChangedSteps(db, ancestor, theirs), StringComparer.Ordinal);
        if (aboveUnknown.TryGetValue(path, out var towardsUnknown))
        {
            // Steps that lead to a path the ancestors conflicted on are visited whatever changed.
            changedByUs.UnionWith(towardsUnknown);
            changedByThem.UnionWith(towardsUnknown);
        }

        var result = ours;
        foreach (var step in changedByThem)
        {
            var theirChild = theirs.Child(step);
            if (!changedByUs.Contains(step))
            {
                result = result.WithEdit(step, theirChild);
                continue;
            }

            var ourChild = ours.Child(step);
            var merged = MergeAt(path.Append(step), ancestor.Child(step), ourChild, theirChild);
            if (!ReferenceEquals(merged, ourChild))
            {
                result = result.WithEdit(step, merged);
            }
        }

        return result;
    }

    // The common ancestors conflicted at path: sides that agree merge (through the content
    // merge, which may still need the ancestor), anything else conflicts.
    private Tree? MergeAgainstUnknown(StorePath path, Tree? ours, Tree? theirs, ImmutableArray<Conflict> ancestorConflicts)
    {
        var failed = Ancestor<Option<ReadOnlyMemory<byte>>>.Lazy(() => MergeResult<Option<Option<ReadOnlyMemory<byte>>>>.Failed(ancestorConflicts));
        if ((ours is null || ours.IsContents) && (theirs is null || theirs.IsContents))
        {
            var metadata = MergeMetadata(null, ours, theirs);
            return MergeContents(path, failed, metadata, null, ours, theirs);
        }

        if (TreeDiff.Same(db, ours, theirs))
        {
            return ours;
        }

        return Conflicted(path, ancestorConflicts[0], null, ours, theirs);
    }

    private Tree? MergeContents(StorePath path, Ancestor<Option<ReadOnlyMemory<byte>>> old, MergeResult<uint> metadata, Tree? ancestor, Tree? ours, Tree? theirs)
    {
        var mine = ours is null ? Option<ReadOnlyMemory<byte>>.None : Option<ReadOnlyMemory<byte>>.Some(ours.Value);
        var other = theirs is null ? Option<ReadOnlyMemory<byte>>.None : Option<ReadOnlyMemory<byte>>.Some(theirs.Value);
        var result = contents(old, mine, other);
        if (!result.TryGetValue(out var value))
        {
            return Conflicted(path, result.Conflicts, ancestor, ours, theirs);
        }

        if (!value.TryGetValue(out var bytes))
        {
            // Removed: a side that changed only the mode loses that change with the file.
            var modeChanged = (ours is not null && ancestor is { IsContents: true } && ours.Metadata != ancestor.Metadata)
                || (theirs is not null && ancestor is { IsContents: true } && theirs.Metadata != ancestor.Metadata);
            return modeChanged
                ? Conflicted(path, new Conflict(string.Empty, ours is null ? "we removed it; they changed its mode" : "they removed it; we changed its mode"), ancestor, ours, theirs)
                : null;
        }

        if (!metadata.TryGetValue(out var mode))
        {
            return Conflicted(path, metadata.Conflicts, ancestor, ours, theirs);
        }

        // Keep the stored object when the merge gave a side's bytes back, so nothing is copied.
        if (ours is not null && ours.Metadata == mode && bytes.Span.SequenceEqual(ours.Value.Span))
        {
            return ours;
        }

        if (theirs is not null && theirs.Metadata == mode && bytes.Span.SequenceEqual(theirs.Value.Span))
        {
            return theirs;
        }

        return Tree.OfContents(bytes, mode);
    }

    // The metadata (file mode) merges three-way on its own: a side that kept the ancestor's
    // yields to the other; two different changes conflict.
    private static MergeResult<uint> MergeMetadata(uint? ancestor, Tree? ours, Tree? theirs)
    {
        if (ours is null || theirs is null)
        {
            return MergeResult<uint>.Ok((ours ?? theirs)?.Metadata ?? 0);
        }

        if (ours.Metadata == theirs.Metadata || theirs.Metadata == ancestor)
        {
            return MergeResult<uint>.Ok(ours.Metadata);
        }

        if (ours.Metadata == ancestor)
        {
            return MergeResult<uint>.Ok(theirs.Metadata);
        }

        return MergeResult<uint>.Failed(new Conflict(
            string.Empty,
            ancestor is null ? "both sides added it with different modes" : "both sides changed its mode differently",
            ancestor?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ours.Metadata.ToString(System.Globalization.CultureInfo.InvariantCulture),
            theirs.Metadata.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private Tree? Conflicted(StorePath path, Conflict found, Tree? ancestor, Tree? ours, Tree? theirs) =>
        Conflicted(path, [found], ancestor, ours, theirs);

    // Records the conflicts found inside the value at path (their paths become value paths) and
    // returns what the resolution puts there.
    private Tree? Conflicted(StorePath path, ImmutableArray<Conflict> found, Tree? ancestor, Tree? ours, Tree? theirs)
    {
        var objects = new ConflictObjects(Describe(ancestor), Describe(ours), Describe(theirs));
        foreach (var conflict in found)
        {
            conflicts.Add(conflict with { Path = path.ToString(), ValuePath = conflict.Path, Objects = objects });
        }

        return resolution switch
        {
            ConflictResolution.Ours => ours,
            ConflictResolution.Theirs => theirs,
            _ => null,
        };
    }

    private string? Describe(Tree? tree) =>
        tree is null ? null : (tree.IsContents ? "contents " : "node ") + tree.HashWith(db);
}
