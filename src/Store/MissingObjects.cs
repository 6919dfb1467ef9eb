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
    public static List<Hash> Compute(ObjectDatabase db, IEnumerable<Hash> wants, IEnumerable<Hash> haves) =>
        ComputeWithBases(db, wants, haves).ConvertAll(static m => m.Hash);

    /// <summary>
    /// As <see cref="Compute"/>, each object with the older version it replaces at the same place
    /// in the tree, when there is one the peer holds (or is sent earlier): a base for a delta.
    /// </summary>
    public static List<MissingObject> ComputeWithBases(ObjectDatabase db, IEnumerable<Hash> wants, IEnumerable<Hash> haves)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(wants);
        ArgumentNullException.ThrowIfNull(haves);
        var (commits, peerHas) = CommitsBetween(db, wants, haves.Where(h => db.TryReadCommit(h, out _)));
        var output = new List<MissingObject>();
        var sent = new HashSet<Hash>();
        foreach (var commit in commits)
        {
            // Diff against a parent the peer has, or one sent just before; else against nothing.
            var baseRoot = commit.Parents.Where(p => peerHas.Contains(p) || sent.Contains(p))
                .Select(p => (Hash?)db.ReadCommit(p).Root).FirstOrDefault();
            Node(db, commit.Root, baseRoot, 0, sent, output);
            Emit(commit.Hash, null, sent, output);
        }

        return output;
    }

    /// <summary>
    /// The commits reachable from <paramref name="wants"/> but not from <paramref name="haves"/>,
    /// oldest first, and the peer's commits met on the way. The walk goes down by height and stops
    /// when only the peer's commits are left, so it visits the commits between the two sides and
    /// not the shared history below them.
    /// </summary>
    private static (List<Commit> Commits, HashSet<Hash> PeerHas) CommitsBetween(ObjectDatabase db, IEnumerable<Hash> wants, IEnumerable<Hash> haves)
    {
        var peerHas = new HashSet<Hash>();
        var queued = new HashSet<Hash>();
        var queue = new PriorityQueue<Commit, long>(Comparer<long>.Create(static (a, b) => b.CompareTo(a)));
        var interesting = 0; // queued commits not known to be the peer's
        void Enqueue(Hash hash)
        {
            var commit = db.ReadCommit(hash);
            queue.Enqueue(commit, commit.Height);
        }

        foreach (var have in haves)
        {
            if (queued.Add(have))
            {
                peerHas.Add(have);
                Enqueue(have);
            }
        }

        foreach (var want in wants)
        {
            if (queued.Add(want))
            {
                Enqueue(want);
                interesting++;
            }
        }

        // A commit is dequeued after every commit of greater height, so after all of its
        // descendants: by then whether the peer has it is settled.
        var result = new List<Commit>();
        while (interesting > 0 && queue.TryDequeue(out var commit, out _))
        {
            var isPeers = peerHas.Contains(commit.Hash);
            if (!isPeers)
            {
                interesting--;
                result.Add(commit);
            }

            foreach (var parent in commit.Parents)
            {
                if (isPeers)
                {
                    if (peerHas.Add(parent))
                    {
                        if (!queued.Add(parent))
                        {
                            interesting--; // queued as wanted, now known to be the peer's
                        }
                        else
                        {
                            Enqueue(parent);
                        }
                    }
                }
                else if (queued.Add(parent))
                {
                    Enqueue(parent);
                    interesting++;
                }
            }
        }

        result.Reverse();
        return (result, peerHas);
    }

    private static void Emit(Hash hash, Hash? deltaBase, HashSet<Hash> sent, List<MissingObject> output)
    {
        if (sent.Add(hash))
        {
            output.Add(new MissingObject(hash, deltaBase));
        }
    }

    /// <summary>
    /// Sends node <paramref name="hash"/> (at trie level <paramref name="level"/>; 0 is a
    /// directory's top) and what it reaches that <paramref name="baseHash"/>, the node at the same
    /// place in the older tree, does not. The two may differ in shape (flat or a hash trie):
    /// entries are then matched by name.
    /// </summary>
    private static void Node(ObjectDatabase db, Hash hash, Hash? baseHash, int level, HashSet<Hash> sent, List<MissingObject> output)
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
                    // An inner base splits the same way; a flat base holds the entries of every bucket.
                    Hash? oldChild = old is null ? null
                        : old.IsInner ? (old.TryGetChild(bucket, out var oc) ? oc : null)
                        : baseHash;
                    Node(db, child, oldChild, level + 1, sent, output);
                }
            }
        }
        else
        {
            foreach (var entry in node.Entries)
            {
                NodeEntry oldEntry = default;
                var hasOld = old is not null && (old.IsInner
                    ? NodeTrie.TryFind(db, baseHash!.Value, entry.Step, level, out oldEntry)
                    : old.TryFindFlat(entry.Step, out oldEntry));
                if (hasOld && oldEntry.Hash == entry.Hash)
                {
                    continue;
                }

                if (entry.Kind == EntryKind.Node)
                {
                    Node(db, entry.Hash, hasOld && oldEntry.Kind == EntryKind.Node ? oldEntry.Hash : null, 0, sent, output);
                }
                else
                {
                    Emit(entry.Hash, hasOld && oldEntry.Kind == EntryKind.Contents ? oldEntry.Hash : null, sent, output);
                }
            }
        }

        Emit(hash, baseHash, sent, output);
    }
}
