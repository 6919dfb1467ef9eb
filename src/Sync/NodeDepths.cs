using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// The depth of stored nodes (a node with no node below it has depth 1), remembered so that
/// checking a received tree reads only the nodes that are new plus, once per process, the
/// unchanged nodes beside them.
/// </summary>
internal sealed class NodeDepths
{
    private const int Capacity = 1 << 20;
    private readonly ConcurrentDictionary<Hash, int> known = new();
    private readonly ConcurrentDictionary<Hash, int> trieHeights = new();
    private int knownAdds;
    private int trieHeightAdds;

    /// <summary>Remembers a node's depth.</summary>
    public void Add(Hash node, int depth)
    {
        // ConcurrentDictionary.Count takes every lock: count the adds instead.
        if (Interlocked.Increment(ref knownAdds) > Capacity)
        {
            Interlocked.Exchange(ref knownAdds, 0);
            known.Clear();
        }

        known[node] = depth;
    }

    /// <summary>The depth of a stored node; above <paramref name="limit"/>, some value above it.</summary>
    public int Of(ObjectDatabase db, Hash node, int limit) => Of(db, node, limit, 1);

    private int Of(ObjectDatabase db, Hash node, int limit, int level)
    {
        if (known.TryGetValue(node, out var depth))
        {
            return depth;
        }

        if (level > limit)
        {
            return limit + 1; // deeper than allowed: stop before the stack does
        }

        // The shape only, read straight from the store: no decoded node enters the caches.
        var children = new List<Hash>();
        db.Schema.ListChildNodes(db.ReadRaw(node, "node"), node, children);
        depth = 1;
        foreach (var child in children)
        {
            depth = Math.Max(depth, 1 + Of(db, child, limit, level + 1));
        }

        if (depth <= limit)
        {
            Add(node, depth);
        }

        return depth;
    }

    /// <summary>Remembers how many hash-trie levels an inner node tops.</summary>
    public void AddTrieHeight(Hash inner, int height)
    {
        if (Interlocked.Increment(ref trieHeightAdds) > Capacity)
        {
            Interlocked.Exchange(ref trieHeightAdds, 0);
            trieHeights.Clear();
        }

        trieHeights[inner] = height;
    }

    /// <summary>
    /// How many hash-trie levels a stored inner node tops (1: its children are leaves); above
    /// <paramref name="limit"/>, some value above it. Reads only the inner nodes below it.
    /// </summary>
    public int TrieHeightOf(ObjectDatabase db, Hash inner, int limit) => TrieHeightOf(db, inner, limit, 1);

    private int TrieHeightOf(ObjectDatabase db, Hash inner, int limit, int level)
    {
        if (trieHeights.TryGetValue(inner, out var height))
        {
            return height;
        }

        if (level > limit)
        {
            return limit + 1;
        }

        height = 1;
        foreach (var child in db.ReadNode(inner).Children)
        {
            if (db.Store.TryRead(child, out var raw) && !raw.IsEmpty && db.Schema.KindOf(raw.Span, child) == ObjectKind.Inode)
            {
                height = Math.Max(height, 1 + TrieHeightOf(db, child, limit, level + 1));
            }
        }

        if (height <= limit)
        {
            AddTrieHeight(inner, height);
        }

        return height;
    }
}
