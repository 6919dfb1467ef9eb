using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>Merges of commits: fast-forward, or three-way against the (virtual) common ancestor.</summary>
internal static class CommitMerge
{
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

        var ancestor = VirtualAncestor(repo, history.LowestCommonAncestors(ours, theirs), info);
        if (!ancestor.TryGetValue(out var ancestorTree))
        {
            return MergeResult<Commit>.Failed(ancestor.Conflicts.Select(c => c with { Reason = "while merging common ancestors: " + c.Reason }).ToImmutableArray());
        }

        var conflicts = new List<Conflict>();
        var merged = TreeMerge.Merge(
            repo.Objects,
            ancestorTree,
            repo.TreeOf(repo.GetCommit(ours)),
            repo.TreeOf(repo.GetCommit(theirs)),
            repo.ContentsMerge,
            StorePath.Root,
            conflicts);
        if (conflicts.Count > 0)
        {
            return MergeResult<Commit>.Failed([.. conflicts]);
        }

        return MergeResult<Commit>.Ok(repo.Commit(merged ?? Tree.Empty, [ours, theirs], info));
    }

    /// <summary>
    /// The tree to merge against: nothing for unrelated histories, the one LCA's tree, or the
    /// merge of several LCAs (recursively, as Git's recursive strategy does).
    /// </summary>
    private static MergeResult<Tree?> VirtualAncestor<T>(Repository<T> repo, IReadOnlyList<Hash> lcas, CommitInfo info)
    {
        if (lcas.Count == 0)
        {
            return MergeResult<Tree?>.Ok(null);
        }

        var current = lcas[0];
        for (var i = 1; i < lcas.Count; i++)
        {
            var result = Merge(repo, current, lcas[i], info with { Message = "virtual merge ancestor" });
            if (!result.TryGetValue(out var virtualCommit))
            {
                return MergeResult<Tree?>.Failed(result.Conflicts);
            }

            current = virtualCommit.Hash;
        }

        return MergeResult<Tree?>.Ok(repo.TreeOf(repo.GetCommit(current)));
    }
}
