namespace IrminSharp.Store;

/// <summary>
/// What a peer that holds <c>haves</c> (and everything they reach) lacks to hold <c>wants</c>:
/// the commits between them, and of each commit's tree only what differs from a tree the peer
/// already has, found by comparing hashes. The size of the answer follows the size of the change.
/// </summary>
public static class MissingObjects
{
    /// <summary>
    /// The objects reachable from <paramref name="wants"/> that a holder of <paramref name="haves"/>
    /// may lack, parents before children (a receiver can check each as it arrives). Objects the
    /// peer already has may be included where a tree changed shape (flat to trie), never omitted.
    /// </summary>
    public static List<Hash> Compute(ObjectDatabase db, IEnumerable<Hash> wants, IEnumerable<Hash> haves)
    {
        ArgumentNullException.ThrowIfNull(db);
        var haveList = haves.Where(h => db.TryReadCommit(h, out _)).ToList();
        var history = new History(db);
        var peerHas = new HashSet<Hash>(haveList.Count == 0 ? [] : history.Log(haveList).Select(c => c.Hash));
        var commits = history.Log(wants).Where(c => !peerHas.Contains(c.Hash)).Reverse().ToList();
        var output = new List<Hash>();
        var sent = new HashSet<Hash>();
        foreach (var commit in commits)
        {
            // Diff against a parent the peer has, or one sent just before; else against nothing.
            var baseRoot = commit.Parents.Where(p => peerHas.Contains(p) || sent.Contains(p))
                .Select(p => (Hash?)db.ReadCommit(p).Root).FirstOrDefault();
            Node(db, commit.Root, baseRoot, sent, output);
            Emit(commit.Hash, sent, output);
        }

        return output;
    }

    private static void Emit(Hash hash, HashSet<Hash> sent, List<Hash> output)
    {
        if (sent.Add(hash))
        {
            output.Add(hash);
        }
    }

    /// <summary>Sends node <paramref name="hash"/> and what it reaches that <paramref name="baseHash"/> does not.</summary>
    private static void Node(ObjectDatabase db, Hash hash, Hash? baseHash, HashSet<Hash> sent, List<Hash> output)
    {
        if (hash == baseHash || sent.Contains(hash))
        {
            return;
        }

        var node = db.ReadNode(hash);
        var old = baseHash is { } b ? db.ReadNode(b) : null;
        if (node.IsInner)
        {
            for (var bucket = 0; bucket < 32; bucket++)
            {
                if (node.TryGetChild(bucket, out var child))
                {
                    Hash? oldChild = old is { IsInner: true } && old.TryGetChild(bucket, out var oc) ? oc : null;
                    Node(db, child, oldChild, sent, output);
                }
            }
        }
        else
        {
            foreach (var entry in node.Entries)
            {
                NodeEntry oldEntry = default;
                var hasOld = old is { IsInner: false } && old.TryFindFlat(entry.Step, out oldEntry);
                if (hasOld && oldEntry.Hash == entry.Hash)
                {
                    continue;
                }

                if (entry.Kind == EntryKind.Node)
                {
                    Node(db, entry.Hash, hasOld && oldEntry.Kind == EntryKind.Node ? oldEntry.Hash : null, sent, output);
                }
                else
                {
                    Emit(entry.Hash, sent, output);
                }
            }
        }

        Emit(hash, sent, output);
    }
}
