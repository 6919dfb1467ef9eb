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

    /// <summary>Remembers a node's depth.</summary>
    public void Add(Hash node, int depth)
    {
        if (known.Count >= Capacity)
        {
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

        var decoded = db.ReadNode(node);
        depth = 1;
        if (decoded.IsInner)
        {
            foreach (var child in decoded.Children)
            {
                depth = Math.Max(depth, 1 + Of(db, child, limit, level + 1));
            }
        }
        else
        {
            foreach (var entry in decoded.Entries)
            {
                if (entry.Kind == EntryKind.Node)
                {
                    depth = Math.Max(depth, 1 + Of(db, entry.Hash, limit, level + 1));
                }
            }
        }

        if (depth <= limit)
        {
            Add(node, depth);
        }

        return depth;
    }
}
