namespace IrminSharp.Store;

/// <summary>
/// Copies objects from one database into another: what a tree read from one repository needs in
/// order to be committed into another.
/// </summary>
/// <remarks>
/// A store is closed under reachability (it holds everything its objects name), so the walk
/// descends only into objects the target lacks, and adds each object after everything it names.
/// The target stays closed at every step, even if the copy stops half way.
/// </remarks>
internal static class ObjectImport
{
    /// <summary>
    /// Makes sure <paramref name="target"/> holds <paramref name="hash"/>, an object a tree read
    /// from <paramref name="source"/> names: copies it, with what it reaches, when the source is
    /// another store, else refuses with <see cref="ObjectNotFoundException"/>.
    /// </summary>
    public static void EnsureHeld(ObjectDatabase target, ObjectDatabase? source, Hash hash, EntryKind kind)
    {
        if (target.Contains(hash))
        {
            return;
        }

        if (kind == EntryKind.Node && hash == target.EmptyNodeHash)
        {
            target.WriteNode(NodeObject.Empty);
            return;
        }

        if (source is not null && !ReferenceEquals(source.Store, target.Store))
        {
            Copy(source, target, hash);
            return;
        }

        throw ObjectNotFoundException.NamedByTree(hash, kind == EntryKind.Contents ? "contents" : "node");
    }

    /// <summary>
    /// Copies <paramref name="root"/> and every object it reaches that <paramref name="target"/>
    /// lacks from <paramref name="source"/>.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The source lacks an object it names.</exception>
    public static void Copy(ObjectDatabase source, ObjectDatabase target, Hash root)
    {
        if (!string.Equals(source.Schema.Name, target.Schema.Name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Object {root} is encoded with schema '{source.Schema.Name}' and cannot be copied into a store of schema '{target.Schema.Name}'.");
        }

        var pending = new Stack<(Hash Hash, ReadOnlyMemory<byte> Bytes, bool Expanded)>();
        var seen = new HashSet<Hash>();
        var names = new List<Hash>();
        pending.Push((root, default, false));
        while (pending.TryPop(out var item))
        {
            if (item.Expanded)
            {
                target.Store.Add(item.Hash, item.Bytes.Span);
                continue;
            }

            // In a DAG an object seen before is already added: it cannot be its own ancestor.
            if (!seen.Add(item.Hash) || target.Contains(item.Hash))
            {
                continue;
            }

            if (item.Hash == target.EmptyNodeHash)
            {
                // Stores hold the empty node only once something wrote it.
                target.WriteNode(NodeObject.Empty);
                continue;
            }

            var bytes = source.ReadRaw(item.Hash);
            pending.Push((item.Hash, bytes, true));
            names.Clear();
            ObjectReferences.List(source.Schema, bytes, item.Hash, names);
            foreach (var name in names)
            {
                pending.Push((name, default, false));
            }
        }
    }
}
