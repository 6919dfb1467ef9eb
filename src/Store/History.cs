namespace IrminSharp.Store;

/// <summary>
/// Walks of the commit graph: log, ancestry tests, and lowest common ancestors. Commit heights
/// (generation numbers) bound every walk to the commits between the ends.
/// </summary>
public sealed class History
{
    private const int FromLeft = 1;
    private const int FromRight = 2;
    private const int Stale = 4;

    private readonly ObjectDatabase db;

    /// <summary>Creates the walker over a database.</summary>
    public History(ObjectDatabase db)
    {
        ArgumentNullException.ThrowIfNull(db);
        this.db = db;
    }

    /// <summary>
    /// Commits reachable from <paramref name="heads"/>, each after all of its descendants (newest
    /// height first, then newest date), skipping <paramref name="skip"/>.
    /// </summary>
    public IEnumerable<Commit> Log(IEnumerable<Hash> heads, int skip = 0, int take = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var seen = new HashSet<Hash>();
        var queue = new PriorityQueue<Commit, (long, long)>();
        foreach (var head in heads)
        {
            if (seen.Add(head))
            {
                var c = db.ReadCommit(head);
                queue.Enqueue(c, Priority(c));
            }
        }

        while (take > 0 && queue.TryDequeue(out var commit, out _))
        {
            foreach (var parent in commit.Parents)
            {
                if (seen.Add(parent))
                {
                    var p = db.ReadCommit(parent);
                    queue.Enqueue(p, Priority(p));
                }
            }

            if (skip > 0)
            {
                skip--;
                continue;
            }

            take--;
            yield return commit;
        }
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    public bool IsAncestor(Hash ancestor, Hash descendant)
    {
        if (ancestor == descendant)
        {
            return true;
        }

        var target = db.ReadCommit(ancestor);
        var seen = new HashSet<Hash> { descendant };
        var stack = new Stack<Hash>();
        stack.Push(descendant);
        while (stack.TryPop(out var hash))
        {
            var commit = db.ReadCommit(hash);
            if (commit.Height <= target.Height)
            {
                continue;
            }

            foreach (var parent in commit.Parents)
            {
                if (parent == ancestor)
                {
                    return true;
                }

                if (seen.Add(parent))
                {
                    stack.Push(parent);
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The lowest common ancestors of two commits: common ancestors that are not ancestors of
    /// another common ancestor. Empty when the histories are unrelated.
    /// </summary>
    public IReadOnlyList<Hash> LowestCommonAncestors(Hash left, Hash right)
    {
        if (left == right)
        {
            return [left];
        }

        var flags = new Dictionary<Hash, int>();
        var queue = new PriorityQueue<Commit, (long, long)>();
        void Push(Commit commit, int flag)
        {
            flags.TryGetValue(commit.Hash, out var existing);
            if ((existing & flag) == flag)
            {
                return;
            }

            flags[commit.Hash] = existing | flag;
            queue.Enqueue(commit, Priority(commit));
        }

        bool AnyNonStale()
        {
            foreach (var (c, _) in queue.UnorderedItems)
            {
                if ((flags[c.Hash] & Stale) == 0)
                {
                    return true;
                }
            }

            return false;
        }

        Push(db.ReadCommit(left), FromLeft);
        Push(db.ReadCommit(right), FromRight);
        var results = new List<Commit>();
        while (AnyNonStale() && queue.TryDequeue(out var commit, out _))
        {
            var flag = flags[commit.Hash];

            var propagate = flag & (FromLeft | FromRight | Stale);
            if ((propagate & (FromLeft | FromRight)) == (FromLeft | FromRight) && (flag & Stale) == 0)
            {
                results.Add(commit);
                propagate |= Stale;
                flags[commit.Hash] = flag | Stale;
            }

            foreach (var parent in commit.Parents)
            {
                Push(db.ReadCommit(parent), propagate);
            }
        }

        // A result may still be an ancestor of another (found through a longer path): drop it.
        var distinct = results.DistinctBy(c => c.Hash).ToList();
        return distinct
            .Where(candidate => !distinct.Any(other => other.Hash != candidate.Hash && IsAncestor(candidate.Hash, other.Hash)))
            .OrderByDescending(c => c.Height)
            .ThenBy(c => c.Hash)
            .Select(c => c.Hash)
            .ToList();
    }

    private static (long, long) Priority(Commit commit) => (-commit.Height, -commit.Info.Timestamp);
}
