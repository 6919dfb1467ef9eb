using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// The depth of stored nodes (a node with no node below it has depth 1) and the trie height of
/// stored inner nodes (1: their children are leaves), remembered so that checking a received tree
/// reads only the nodes that are new plus, once per process, the unchanged nodes beside them.
/// </summary>
internal sealed class NodeDepths
{
    private readonly BoundedHashMap depths = new();
    private readonly BoundedHashMap trieHeights = new();

    /// <summary>Remembers a node's depth.</summary>
    public void Add(Hash node, int depth) => depths.Set(node, depth);

    /// <summary>Remembers how many hash-trie levels an inner node tops.</summary>
    public void AddTrieHeight(Hash inner, int height) => trieHeights.Set(inner, height);

    /// <summary>The depth of a stored node; above <paramref name="limit"/>, some value above it.</summary>
    public int Of(ObjectDatabase db, Hash node, int limit) => Measure(db, node, limit, 1, depths, innerOnly: false);

    /// <summary>
    /// How many hash-trie levels a stored inner node tops; above <paramref name="limit"/>, some
    /// value above it. Descends only through inner nodes.
    /// </summary>
    public int TrieHeightOf(ObjectDatabase db, Hash inner, int limit) => Measure(db, inner, limit, 1, trieHeights, innerOnly: true);

    /// <summary>
    /// One more than the deepest child's measure, from the nodes' shapes read straight from the
    /// store (no decoded node enters the caches). With <paramref name="innerOnly"/>, a node that is
    /// not an inner node measures 0.
    /// </summary>
    private static int Measure(ObjectDatabase db, Hash node, int limit, int level, BoundedHashMap known, bool innerOnly)
    {
        if (known.TryGetValue(node, out var measure))
        {
            return measure;
        }

        if (level > limit)
        {
            return limit + 1; // deeper than allowed: stop before the stack does
        }

        var raw = db.ReadRaw(node, "node");
        if (innerOnly && db.Schema.KindOf(raw.Span, node) != ObjectKind.Inode)
        {
            return 0;
        }

        var children = new List<Hash>();
        db.Schema.ListChildNodes(raw, node, children);
        measure = 1;
        foreach (var child in children)
        {
            measure = Math.Max(measure, 1 + Measure(db, child, limit, level + 1, known, innerOnly));
        }

        if (measure <= limit)
        {
            known.Set(node, measure);
        }

        return measure;
    }
}
