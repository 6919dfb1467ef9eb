namespace IrminSharp.Store;

/// <summary>Walks of the object graph: everything reachable from a set of commits or nodes.</summary>
public static class ObjectGraph
{
    /// <summary>
    /// Every object reachable from <paramref name="roots"/> (commits, nodes or contents): commit
    /// parents and root nodes, node entries, inode children. Throws
    /// <see cref="ObjectNotFoundException"/> or <see cref="CorruptDataException"/> on a broken graph.
    /// </summary>
    public static HashSet<Hash> Reachable(ObjectDatabase db, IEnumerable<Hash> roots)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(roots);
        var seen = new HashSet<Hash>();
        var stack = new Stack<Hash>(roots);
        while (stack.TryPop(out var hash))
        {
            if (!seen.Add(hash))
            {
                continue;
            }

            var raw = db.ReadRaw(hash);
            switch (db.Schema.KindOf(raw.Span, hash))
            {
                case ObjectKind.Commit:
                    var commit = db.ReadCommit(hash);
                    stack.Push(commit.Root);
                    foreach (var parent in commit.Parents)
                    {
                        stack.Push(parent);
                    }

                    break;
                case ObjectKind.Node:
                case ObjectKind.Inode:
                    var node = db.ReadNode(hash);
                    if (node.IsInner)
                    {
                        foreach (var child in node.Children)
                        {
                            stack.Push(child);
                        }
                    }
                    else
                    {
                        foreach (var entry in node.Entries)
                        {
                            stack.Push(entry.Hash);
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        return seen;
    }
}
