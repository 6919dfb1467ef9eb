namespace IrminSharp.Store;

/// <summary>
/// Differences between trees, found by descending only where hashes differ.
/// </summary>
internal static class TreeDiff
{
    /// <summary>Whether two trees (or absences) are equal, comparing hashes.</summary>
    public static bool Same(ObjectDatabase db, Tree? a, Tree? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Kind != b.Kind)
        {
            return false;
        }

        if (a.IsContents && a.Metadata != b.Metadata)
        {
            return false;
        }

        return a.HashWith(db) == b.HashWith(db);
    }

    /// <summary>
    /// The steps whose children may differ between nodes <paramref name="a"/> and
    /// <paramref name="b"/>: the steps edited in memory on either side, plus the entries that
    /// differ between their stored nodes.
    /// </summary>
    public static SortedSet<string> CandidateSteps(ObjectDatabase db, Tree a, Tree b)
    {
        var steps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var step in a.Edits.Keys)
        {
            steps.Add(step);
        }

        foreach (var step in b.Edits.Keys)
        {
            steps.Add(step);
        }

        if (a.BaseNode != b.BaseNode)
        {
            var differences = new List<(string, NodeEntry?, NodeEntry?)>();
            NodeTrie.Diff(db, a.BaseNode, b.BaseNode, differences);
            foreach (var (step, _, _) in differences)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    /// <summary>The steps whose children really differ between two nodes.</summary>
    public static List<string> ChangedSteps(ObjectDatabase db, Tree a, Tree b)
    {
        var changed = new List<string>();
        if (Same(db, a, b))
        {
            return changed;
        }

        foreach (var step in CandidateSteps(db, a, b))
        {
            if (!Same(db, a.Child(step), b.Child(step)))
            {
                changed.Add(step);
            }
        }

        return changed;
    }

    /// <summary>Appends the contents changes from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static void Diff(ObjectDatabase db, Tree? a, Tree? b, StorePath path, List<TreeChange> output)
    {
        if (Same(db, a, b))
        {
            return;
        }

        if (a is { IsNode: true } an && b is { IsNode: true } bn)
        {
            foreach (var step in ChangedSteps(db, an, bn))
            {
                Diff(db, an.Child(step), bn.Child(step), path.Append(step), output);
            }

            return;
        }

        if (a is { IsContents: true } && b is { IsContents: true })
        {
            output.Add(new TreeChange(path, a, b));
            return;
        }

        // A kind changed, or one side is absent: every contents below each side changes.
        if (a is not null)
        {
            foreach (var (sub, contents) in a.EnumerateContents())
            {
                output.Add(new TreeChange(path.Append(sub), contents, null));
            }
        }

        if (b is not null)
        {
            foreach (var (sub, contents) in b.EnumerateContents())
            {
                output.Add(new TreeChange(path.Append(sub), null, contents));
            }
        }
    }

    /// <summary>
    /// <paramref name="tree"/> with <paramref name="changes"/> (from <see cref="Diff"/>) applied:
    /// each changed path takes the change's new contents, or is removed. A change's removals come
    /// before its additions, so a path that turned from contents into a node, or back, applies.
    /// </summary>
    public static Tree Apply(Tree tree, IReadOnlyList<TreeChange> changes)
    {
        foreach (var change in changes)
        {
            tree = change.New is { } contents ? tree.AddTree(change.Path, contents) : tree.Remove(change.Path);
        }

        return tree;
    }
}
