using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// Recursive three-way merge of trees. Subtrees equal on two sides are decided without being
/// read, and a node's merge visits only the steps either side changed, so the cost follows the
/// size of the changes, not of the trees.
/// </summary>
internal static class TreeMerge
{
    /// <summary>
    /// Merges <paramref name="ours"/> and <paramref name="theirs"/> against
    /// <paramref name="ancestor"/> (null: absent). Conflicts are appended to
    /// <paramref name="conflicts"/>, and our side is kept at each conflicting path.
    /// </summary>
    public static Tree? Merge(
        ObjectDatabase db,
        Tree? ancestor,
        Tree? ours,
        Tree? theirs,
        MergeFunction<Option<ReadOnlyMemory<byte>>> contents,
        StorePath path,
        List<Conflict> conflicts)
    {
        // Equal sides are not a shortcut: a counter incremented alike on both sides must count
        // both increments, so equal sides that differ from the ancestor still merge below.
        if (TreeDiff.Same(db, ancestor, theirs))
        {
            return ours;
        }

        if (TreeDiff.Same(db, ancestor, ours))
        {
            return theirs;
        }

        var oursIsContents = ours is { IsContents: true };
        var theirsIsContents = theirs is { IsContents: true };
        if (!oursIsContents && !theirsIsContents)
        {
            // Both sides are nodes, or one is absent: merge entry by entry.
            var merged = MergeNodes(db, ancestor is { IsNode: true } a ? a : Tree.Empty, ours ?? Tree.Empty, theirs ?? Tree.Empty, contents, path, conflicts);
            return merged.IsEmpty ? null : merged;
        }

        if ((ours is null || oursIsContents) && (theirs is null || theirsIsContents))
        {
            return MergeContents(db, ancestor, ours, theirs, contents, path, conflicts);
        }

        conflicts.Add(new Conflict(
            path.ToString(),
            "one side has contents where the other has a directory",
            Describe(db, ancestor),
            Describe(db, ours),
            Describe(db, theirs)));
        return ours;
    }

    private static Tree MergeNodes(
        ObjectDatabase db,
        Tree ancestor,
        Tree ours,
        Tree theirs,
        MergeFunction<Option<ReadOnlyMemory<byte>>> contents,
        StorePath path,
        List<Conflict> conflicts)
    {
        var changedByUs = new HashSet<string>(TreeDiff.ChangedSteps(db, ancestor, ours), StringComparer.Ordinal);
        var result = ours;
        foreach (var step in TreeDiff.ChangedSteps(db, ancestor, theirs))
        {
            var theirChild = theirs.Child(step);
            if (!changedByUs.Contains(step))
            {
                result = result.WithEdit(step, theirChild);
                continue;
            }

            var merged = Merge(db, ancestor.Child(step), ours.Child(step), theirChild, contents, path.Append(step), conflicts);
            if (!ReferenceEquals(merged, ours.Child(step)))
            {
                result = result.WithEdit(step, merged);
            }
        }

        return result;
    }

    private static Tree? MergeContents(
        ObjectDatabase db,
        Tree? ancestor,
        Tree? ours,
        Tree? theirs,
        MergeFunction<Option<ReadOnlyMemory<byte>>> contents,
        StorePath path,
        List<Conflict> conflicts)
    {
        var old = ancestor is { IsContents: true }
            ? Ancestor<Option<ReadOnlyMemory<byte>>>.Lazy(() => MergeResult<Option<Option<ReadOnlyMemory<byte>>>>.Ok(Option<Option<ReadOnlyMemory<byte>>>.Some(Option<ReadOnlyMemory<byte>>.Some(ancestor.Value))))
            : Ancestor<Option<ReadOnlyMemory<byte>>>.Of(Option<ReadOnlyMemory<byte>>.None);
        var mine = ours is null ? Option<ReadOnlyMemory<byte>>.None : Option<ReadOnlyMemory<byte>>.Some(ours.Value);
        var other = theirs is null ? Option<ReadOnlyMemory<byte>>.None : Option<ReadOnlyMemory<byte>>.Some(theirs.Value);
        var result = contents(old, mine, other);
        if (result.TryGetValue(out var value))
        {
            if (!value.TryGetValue(out var bytes))
            {
                return null;
            }

            return Tree.OfContents(bytes, ours?.Metadata ?? theirs?.Metadata ?? 0);
        }

        foreach (var conflict in result.Conflicts)
        {
            conflicts.Add(new Conflict(
                Join(path, conflict.Path),
                conflict.Reason,
                Describe(db, ancestor),
                Describe(db, ours),
                Describe(db, theirs)));
        }

        return ours;
    }

    private static string Join(StorePath path, string inner) =>
        path.IsRoot ? inner : inner.Length == 0 ? path.ToString() : path + "/" + inner;

    private static string? Describe(ObjectDatabase db, Tree? tree) =>
        tree is null ? null : (tree.IsContents ? "contents " : "node ") + tree.HashWith(db);
}
