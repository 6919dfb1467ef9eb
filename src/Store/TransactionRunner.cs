using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// Runs <see cref="StoreHandle{T}.Transact"/>: attempts on a snapshot, then the strategy's way of
/// landing the commit when the head moved, and reruns when a gc ran during an attempt.
/// </summary>
internal static class TransactionRunner
{
    /// <summary>Runs <paramref name="body"/> as a transaction on <paramref name="handle"/>'s head.</summary>
    public static Commit? Run<T>(StoreHandle<T> handle, Action<Transaction<T>> body, TransactionOptions options)
    {
        for (var attempt = 0; attempt <= options.MaxRetries; attempt++)
        {
            var collections = handle.Collections;
            try
            {
                if (TryAttempt(handle, body, options, attempt, collections, out var result))
                {
                    return result;
                }
            }
            catch (ObjectNotFoundException) when (handle.Collections != collections)
            {
                // A gc ran during the attempt and removed what it built on: run it again.
            }
        }

        throw new RefConflictException(handle.Describe(), null, handle.HeadHash);
    }

    /// <summary>
    /// Moves the head from <paramref name="expected"/> to <paramref name="desired"/>, unless a gc
    /// ran since the attempt started (<paramref name="collections"/>): it may have removed
    /// objects <paramref name="desired"/> names, which were not yet on any branch.
    /// </summary>
    public static HeadSwap TrySwap<T>(StoreHandle<T> handle, Hash? expected, Hash desired, long collections)
    {
        if (handle.Collections != collections)
        {
            return HeadSwap.Collected;
        }

        try
        {
            return handle.TrySetHead(expected, desired) ? HeadSwap.Moved : HeadSwap.HeadMoved;
        }
        catch (ObjectNotFoundException) when (handle.Collections != collections)
        {
            return HeadSwap.Collected;
        }
    }

    /// <summary>
    /// One attempt: true with the head it leaves, or false when the attempt must run again.
    /// </summary>
    private static bool TryAttempt<T>(StoreHandle<T> handle, Action<Transaction<T>> body, TransactionOptions options, int attempt, long collections, out Commit? result)
    {
        var repository = handle.Repository;
        var snapshot = handle.Head;
        var start = snapshot is null ? Tree.Empty : repository.TreeOf(snapshot);
        var tx = new Transaction<T>(repository, snapshot, start);
        body(tx);
        result = snapshot;
        if (ReferenceEquals(tx.Tree, start))
        {
            return true;
        }

        if (!tx.Tree.IsNode)
        {
            throw new InvalidOperationException("A transaction's root must be a node.");
        }

        var root = tx.Tree.Persist(repository.Objects, persist: true);
        if (root == snapshot?.Root)
        {
            return true;
        }

        var info = options.Info ?? repository.Info(options.Message);
        var commit = WriteNewCommit(repository.Objects, root, snapshot, ref info);
        switch (TrySwap(handle, snapshot?.Hash, commit.Hash, collections))
        {
            case HeadSwap.Moved:
                result = commit;
                return true;
            case HeadSwap.Collected:
                return false;
        }

        switch (options.Strategy)
        {
            case TransactionStrategy.Set:
                result = SetOver(handle, start, tx.Tree, info, options.MaxRetries - attempt, collections);
                return result is not null;
            case TransactionStrategy.Merge:
                result = MergeIn(handle, commit.Hash, info, options.MaxRetries - attempt, collections);
                return result is not null;
            default:
                return false;
        }
    }

    /// <summary>
    /// Applies a transaction's changes (from <paramref name="start"/>, its snapshot's tree, to
    /// <paramref name="edited"/>) on top of the current head's tree and commits that with the
    /// head as parent, until the head holds it; null when a gc ran since the attempt started
    /// (<paramref name="collections"/>) and the attempt must run again.
    /// </summary>
    private static Commit? SetOver<T>(StoreHandle<T> handle, Tree start, Tree edited, CommitInfo info, int retries, long collections)
    {
        var repository = handle.Repository;
        var changes = new List<TreeChange>();
        TreeDiff.Diff(repository.Objects, start, edited, StorePath.Root, changes);
        for (var attempt = 0; attempt <= Math.Max(retries, 0) + 1000; attempt++)
        {
            var head = handle.Head;
            var tree = TreeDiff.Apply(head is null ? Tree.Empty : repository.TreeOf(head), changes);
            var root = tree.Persist(repository.Objects, persist: true);
            if (head is not null && root == head.Root)
            {
                return head;
            }

            var commit = WriteNewCommit(repository.Objects, root, head, ref info);
            switch (TrySwap(handle, head?.Hash, commit.Hash, collections))
            {
                case HeadSwap.Moved:
                    return commit;
                case HeadSwap.Collected:
                    return null;
            }
        }

        throw new RefConflictException(handle.Describe(), null, handle.HeadHash);
    }

    /// <summary>
    /// Merges a transaction's commit into the head until the head holds the merge; null when a
    /// gc ran since the attempt started (<paramref name="collections"/>) and the attempt must run
    /// again.
    /// </summary>
    private static Commit? MergeIn<T>(StoreHandle<T> handle, Hash commit, CommitInfo info, int retries, long collections)
    {
        var repository = handle.Repository;
        for (var attempt = 0; attempt <= Math.Max(retries, 0) + 1000; attempt++)
        {
            var ours = handle.HeadHash;
            if (ours is null)
            {
                switch (TrySwap(handle, null, commit, collections))
                {
                    case HeadSwap.Moved:
                        return repository.GetCommit(commit);
                    case HeadSwap.Collected:
                        return null;
                }

                continue;
            }

            var merged = repository.MergeCommits(ours.Value, commit, info with { Message = info.Message + " (merged)" });
            if (!merged.TryGetValue(out var result))
            {
                throw new MergeConflictException(merged.Conflicts);
            }

            if (result.Hash == ours)
            {
                return result;
            }

            switch (TrySwap(handle, ours, result.Hash, collections))
            {
                case HeadSwap.Moved:
                    return result;
                case HeadSwap.Collected:
                    return null;
            }
        }

        throw new RefConflictException(handle.Describe(), null, handle.HeadHash);
    }

    /// <summary>
    /// Writes a commit of <paramref name="root"/> on <paramref name="parent"/> that was not stored
    /// before. Every transaction is an event of its own: two that made byte-identical commits
    /// (same parent, tree, author, message and second) would collapse into one object and lose an
    /// update, so a later one is dated a second on until its commit is new.
    /// </summary>
    private static Commit WriteNewCommit(ObjectDatabase objects, Hash root, Commit? parent, ref CommitInfo info)
    {
        var parents = parent is null ? ImmutableArray<Hash>.Empty : ImmutableArray.Create(parent.Hash);
        Commit commit;
        while (!objects.TryWriteNewCommit(root, parents, info, out commit))
        {
            info = info with { Timestamp = info.Timestamp + 1 };
        }

        return commit;
    }
}
