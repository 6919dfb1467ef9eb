using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>Merges of commits: fast-forward, or three-way against the (virtual) common ancestor.</summary>
internal static class CommitMerge
{
    private static readonly IReadOnlyDictionary<StorePath, ImmutableArray<Conflict>> NothingUnknown =
        ImmutableDictionary<StorePath, ImmutableArray<Conflict>>.Empty;

    public static MergeResult<Commit> Merge<T>(Repository<T> repo, Hash ours, Hash theirs, CommitInfo info)
    {
        var history = repo.History;
        if (history.IsAncestor(theirs, ours))
        {
            return MergeResult<Commit>.Ok(repo.GetCommit(ours));
        }

        if (history.IsAncestor(ours, theirs))
        {
            return MergeResult<Commit>.Ok(repo.GetCommit(theirs));
        }

        var merged = MergeTrees(repo, ours, theirs, info, ConflictResolution.Ours);
        return merged.IsClean
            ? MergeResult<Commit>.Ok(repo.Commit(merged.Tree ?? Tree.Empty, [ours, theirs], info))
            : MergeResult<Commit>.Failed(merged.Conflicts);
    }

    /// <summary>
    /// The three-way merge of two commits' trees against their (virtual) common ancestor, with
    /// the conflicting paths resolved by <paramref name="resolution"/>.
    /// </summary>
    public static TreeMergeResult MergeTrees<T>(Repository<T> repo, Hash ours, Hash theirs, CommitInfo info, ConflictResolution resolution)
    {
        var (ancestor, unknown) = VirtualAncestor(repo, repo.History.LowestCommonAncestors(ours, theirs), info);
        return TreeMerge.Merge(
            repo.Objects,
            ancestor,
            unknown,
            repo.TreeOf(repo.GetCommit(ours)),
            repo.TreeOf(repo.GetCommit(theirs)),
            repo.ContentsMerge,
            resolution);
    }

    /// <summary>
    /// The tree to merge against: nothing for unrelated histories, the one LCA's tree, or the
    /// merge of several LCAs (recursively, as Git's recursive strategy does). Where merging the
    /// LCAs conflicts, the virtual ancestor holds our LCA's version and the path is returned as
    /// unknown, with the conflicts; later merges treat no side as unchanged there.
    /// </summary>
    private static (Tree? Tree, IReadOnlyDictionary<StorePath, ImmutableArray<Conflict>> Unknown) VirtualAncestor<T>(Repository<T> repo, IReadOnlyList<Hash> lcas, CommitInfo info)
    {
        if (lcas.Count == 0)
        {
            return (null, NothingUnknown);
        }

        var current = lcas[0];
        var unknown = ImmutableDictionary<StorePath, ImmutableArray<Conflict>>.Empty;
        for (var i = 1; i < lcas.Count; i++)
        {
            var virtualInfo = info with { Message = "virtual merge ancestor" };
            var merged = MergeTrees(repo, current, lcas[i], virtualInfo, ConflictResolution.Ours);
            foreach (var byPath in merged.Conflicts.GroupBy(c => c.Path, StringComparer.Ordinal))
            {
                var path = StorePath.Parse(byPath.Key);
                var found = byPath.Select(c => new Conflict(c.ValuePath, "while merging common ancestors: " + c.Reason, c.Base, c.Ours, c.Theirs)).ToImmutableArray();
                unknown = unknown.SetItem(path, unknown.TryGetValue(path, out var earlier) ? earlier.AddRange(found) : found);
            }

            current = repo.Commit(merged.Tree ?? Tree.Empty, [current, lcas[i]], virtualInfo).Hash;
        }

        return (repo.TreeOf(repo.GetCommit(current)), unknown);
    }
}
