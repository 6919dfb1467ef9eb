using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// Checks an object from a peer before it is stored: its size, its hash (recomputed), its
/// encoding, that everything it names is already stored (or checked just before it), tree
/// depth, inner-node counts, and commit heights. A peer can therefore never make the store hold
/// an object that names a missing one.
/// </summary>
internal sealed class ObjectVerifier
{
    private readonly ObjectDatabase db;
    private readonly SyncLimits limits;
    private readonly NodeDepths depths;
    private readonly string peer;
    private readonly Dictionary<Hash, ReadOnlyMemory<byte>> staged = [];
    private readonly int maxTrieLevels;

    public ObjectVerifier(ObjectDatabase db, SyncLimits limits, NodeDepths depths, string peer)
    {
        this.db = db;
        this.limits = limits;
        this.depths = depths;
        this.peer = peer;
        maxTrieLevels = db.Schema.HashSize * 8 / 5; // one five-bit digit of the step hash per level
    }

    /// <summary>Objects checked and not yet stored, in arrival order.</summary>
    public List<(Hash Hash, ReadOnlyMemory<byte> Bytes)> Staged { get; } = [];

    /// <summary>Checks an object offered as <paramref name="expected"/> and stages it.</summary>
    public void Check(Hash expected, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > limits.MaxObjectBytes)
        {
            throw Refuse($"object {expected} is {bytes.Length} bytes (limit {limits.MaxObjectBytes})");
        }

        var actual = db.Schema.ComputeHash(bytes.Span);
        if (actual != expected)
        {
            throw Refuse($"object offered as {expected} hashes to {actual}");
        }

        try
        {
            switch (db.Schema.KindOf(bytes.Span, actual))
            {
                case ObjectKind.Contents:
                    db.Schema.DecodeContents(bytes, actual);
                    break;
                case ObjectKind.Node:
                case ObjectKind.Inode:
                    CheckNode(actual, db.Schema.DecodeNode(bytes, actual));
                    break;
                case ObjectKind.Commit:
                    CheckCommit(db.Schema.DecodeCommit(bytes, actual));
                    break;
                default:
                    throw Refuse($"object {actual} has an unknown kind");
            }
        }
        catch (CorruptDataException e)
        {
            throw Refuse($"object {actual} is malformed: {e.Message}");
        }

        staged[actual] = bytes;
        Staged.Add((actual, bytes));
    }

    /// <summary>Rebuilds an object sent as a delta against <paramref name="deltaBase"/>, which must be stored or staged.</summary>
    public ReadOnlyMemory<byte> Rebuild(Hash? expected, Hash deltaBase, ObjectEntry entry)
    {
        if (!staged.TryGetValue(deltaBase, out var old) && !db.Store.TryRead(deltaBase, out old))
        {
            throw Refuse($"object {expected?.ToString() ?? "sent unoffered"} is a delta against {deltaBase}, which is not here");
        }

        return ObjectDelta.Apply(old.Span, entry.Prefix, entry.Suffix, entry.Bytes.Span, limits.MaxObjectBytes)
            ?? throw Refuse($"object {expected?.ToString() ?? "sent unoffered"} is a delta that does not fit its base {deltaBase} or the size limit");
    }

    /// <summary>Stores every staged object, in order, through <paramref name="writer"/>, and forgets them.</summary>
    public void Commit(ReceivedObjectWriter writer)
    {
        foreach (var (hash, bytes) in Staged)
        {
            writer.Add(hash, bytes.Span);
        }

        Staged.Clear();
        staged.Clear();
    }

    private void CheckNode(Hash hash, NodeObject node)
    {
        var schema = db.Schema;
        var depth = 1;
        if (node.IsInner)
        {
            // The shape NodeTrie builds: more entries than a leaf holds, each child once, and
            // fewer trie levels than a hash has five-bit digits.
            if (!schema.UsesHashTrie || node.Count <= schema.MaxLeafEntries)
            {
                throw Refuse($"inner node {hash} holds {node.Count} entries; a directory that small is a flat node");
            }

            long count = 0;
            var trieHeight = 1;
            var seen = new HashSet<Hash>();
            foreach (var child in node.Children)
            {
                if (!seen.Add(child))
                {
                    throw Refuse($"inner node {hash} names {child} in two buckets");
                }

                var childNode = ReadNode(hash, child);
                count += childNode.Count;
                depth = Math.Max(depth, 1 + Depth(child));
                if (childNode.IsInner)
                {
                    trieHeight = Math.Max(trieHeight, 1 + depths.TrieHeightOf(db, child, maxTrieLevels));
                }
            }

            if (count != node.Count)
            {
                throw Refuse($"inner node {hash} claims {node.Count} entries, its children hold {count}");
            }

            if (trieHeight > maxTrieLevels)
            {
                throw Refuse($"inner node {hash} tops a hash trie of more than {maxTrieLevels} levels");
            }

            depths.AddTrieHeight(hash, trieHeight);
        }
        else
        {
            if (schema.UsesHashTrie && node.Entries.Length > Math.Max(schema.MaxFlatEntries, schema.MaxLeafEntries))
            {
                throw Refuse($"flat node {hash} holds {node.Entries.Length} entries; a directory that large is a hash trie");
            }

            foreach (var entry in node.Entries)
            {
                if (entry.Kind == EntryKind.Node)
                {
                    ReadNode(hash, entry.Hash);
                    depth = Math.Max(depth, 1 + Depth(entry.Hash));
                }
                else
                {
                    var contents = ReadRaw(hash, entry.Hash);
                    if (schema.KindOf(contents.Span, entry.Hash) != ObjectKind.Contents)
                    {
                        throw Refuse($"node {hash} names {entry.Hash} as contents, and it is not contents");
                    }
                }
            }
        }

        if (depth > limits.MaxTreeDepth)
        {
            throw Refuse($"node {hash} is the top of a tree deeper than {limits.MaxTreeDepth} levels");
        }

        depths.Add(hash, depth);
    }

    private void CheckCommit(Commit commit)
    {
        var root = ReadRaw(commit.Hash, commit.Root);
        if (db.Schema.KindOf(root.Span, commit.Root) is not (ObjectKind.Node or ObjectKind.Inode))
        {
            throw Refuse($"commit {commit.Hash} has root {commit.Root}, which is not a node");
        }

        long height = 0;
        foreach (var parent in commit.Parents)
        {
            var raw = ReadRaw(commit.Hash, parent);
            if (db.Schema.KindOf(raw.Span, parent) != ObjectKind.Commit)
            {
                throw Refuse($"commit {commit.Hash} has parent {parent}, which is not a commit");
            }

            height = Math.Max(height, db.Schema.DecodeCommit(raw, parent).Height);
        }

        if (commit.Height != height + 1)
        {
            throw Refuse($"commit {commit.Hash} claims height {commit.Height}, its parents make it {height + 1}");
        }
    }

    private int Depth(Hash node) => depths.Of(db, node, limits.MaxTreeDepth);

    private NodeObject ReadNode(Hash parent, Hash child)
    {
        var raw = ReadRaw(parent, child);
        if (db.Schema.KindOf(raw.Span, child) is not (ObjectKind.Node or ObjectKind.Inode))
        {
            throw Refuse($"node {parent} names {child} as a node, and it is not one");
        }

        return staged.ContainsKey(child) ? db.Schema.DecodeNode(raw, child) : db.ReadNode(child);
    }

    private ReadOnlyMemory<byte> ReadRaw(Hash parent, Hash child)
    {
        if (staged.TryGetValue(child, out var bytes))
        {
            return bytes;
        }

        if (!db.Store.TryRead(child, out bytes))
        {
            throw Refuse($"object {parent} names {child}, which was neither sent before it nor stored");
        }

        return bytes;
    }

    private SyncException Refuse(string why) => new(SyncErrorKind.Protocol, $"{peer} sent a bad object: {why}");
}
