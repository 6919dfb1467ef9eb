using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace IrminSharp.Store;

/// <summary>
/// An immutable, persistent tree: either contents (a user value's bytes) or a node (a directory).
/// Stored subtrees load on first touch; edits stay in memory, sharing structure, until a commit
/// writes only the new objects.
/// </summary>
/// <remarks>
/// A tree is safe to share between threads. Editing returns a new tree and never changes this one.
/// </remarks>
public sealed class Tree
{
    private static readonly ImmutableSortedDictionary<string, Tree?> NoEdits =
        ImmutableSortedDictionary.Create<string, Tree?>(StringComparer.Ordinal);

    private readonly ObjectDatabase? db;
    private readonly ReadOnlyMemory<byte>? value;
    private readonly Hash storedHash;
    private readonly ImmutableSortedDictionary<string, Tree?> edits;
    private StrongBox<(Schema Schema, Hash Hash)>? hashCache;

    private Tree(ObjectDatabase? db, bool isContents, ReadOnlyMemory<byte>? value, Hash storedHash, uint metadata, ImmutableSortedDictionary<string, Tree?> edits)
    {
        this.db = db;
        IsContents = isContents;
        this.value = value;
        this.storedHash = storedHash;
        Metadata = metadata;
        this.edits = edits;
    }

    /// <summary>The empty node.</summary>
    public static Tree Empty { get; } = new(null, false, null, default, 0, NoEdits);

    /// <summary>Whether this is contents (else a node).</summary>
    public bool IsContents { get; }

    /// <summary>Whether this is a node.</summary>
    public bool IsNode => !IsContents;

    /// <summary>Contents or node.</summary>
    public EntryKind Kind => IsContents ? EntryKind.Contents : EntryKind.Node;

    /// <summary>The entry metadata of contents (a file mode in the Git schema); 0 by default.</summary>
    public uint Metadata { get; }

    /// <summary>The repository's objects this tree reads from; null for a tree built only in memory.</summary>
    internal ObjectDatabase? Database => db;

    /// <summary>The stored node under the edits, if any.</summary>
    internal Hash? BaseNode => IsContents || storedHash.IsEmpty ? null : storedHash;

    /// <summary>The steps edited in memory on top of the stored node.</summary>
    internal ImmutableSortedDictionary<string, Tree?> Edits => edits;

    /// <summary>Whether this tree is exactly a stored object, with no edit in memory.</summary>
    internal bool IsStored => !storedHash.IsEmpty && edits.IsEmpty && value is null;

    /// <summary>Contents holding <paramref name="bytes"/>.</summary>
    public static Tree OfContents(ReadOnlyMemory<byte> bytes, uint metadata = 0) => new(null, true, bytes, default, metadata, NoEdits);

    /// <summary>A stored node, loaded lazily.</summary>
    public static Tree OfStoredNode(ObjectDatabase db, Hash node)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new(db, false, null, node, 0, NoEdits);
    }

    /// <summary>Stored contents, loaded lazily.</summary>
    public static Tree OfStoredContents(ObjectDatabase db, Hash contents, uint metadata = 0)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new(db, true, null, contents, metadata, NoEdits);
    }

    internal static Tree OfEntry(ObjectDatabase db, NodeEntry entry) =>
        entry.Kind == EntryKind.Contents ? OfStoredContents(db, entry.Hash, entry.Metadata) : OfStoredNode(db, entry.Hash);

    /// <summary>The value bytes of contents; loads them on first use.</summary>
    public ReadOnlyMemory<byte> Value
    {
        get
        {
            if (!IsContents)
            {
                throw new InvalidOperationException("A node has no value.");
            }

            return value ?? db!.ReadContents(storedHash);
        }
    }

    /// <summary>
    /// The tree's hash under its repository's schema (the native schema for trees built only in
    /// memory). Computing it for an edited node encodes the changed nodes without storing them.
    /// </summary>
    public Hash Hash => HashWith(db ?? DetachedObjectStore.Database);

    /// <summary>The number of entries of a node.</summary>
    public long Count
    {
        get
        {
            if (IsContents)
            {
                throw new InvalidOperationException("Contents have no entries.");
            }

            var count = BaseNode is { } b ? NodeTrie.Count(db!, b) : 0;
            foreach (var (step, child) in edits)
            {
                var inBase = BaseNode is { } bn && NodeTrie.TryFind(db!, bn, step, out _);
                count += (child is null ? 0 : 1) - (inBase ? 1 : 0);
            }

            return count;
        }
    }

    /// <summary>Whether this is a node with no entries.</summary>
    public bool IsEmpty => IsNode && (edits.IsEmpty ? BaseNode is not { } b || NodeTrie.Count(db!, b) == 0 : Count == 0);

    /// <summary>The child at <paramref name="step"/>, or null.</summary>
    public Tree? Child(string step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (IsContents)
        {
            return null;
        }

        if (edits.TryGetValue(step, out var edited))
        {
            return edited;
        }

        return BaseNode is { } node && NodeTrie.TryFind(db!, node, step, out var entry) ? OfEntry(db!, entry) : null;
    }

    /// <summary>The subtree or contents at <paramref name="path"/>, or null.</summary>
    public Tree? Find(StorePath path)
    {
        var current = this;
        foreach (var step in path.Steps)
        {
            current = current.Child(step);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Gets the contents bytes at <paramref name="path"/>.</summary>
    public bool TryGetValue(StorePath path, out ReadOnlyMemory<byte> bytes)
    {
        if (Find(path) is { IsContents: true } contents)
        {
            bytes = contents.Value;
            return true;
        }

        bytes = default;
        return false;
    }

    /// <summary>Whether contents exist at <paramref name="path"/>.</summary>
    public bool ContainsContents(StorePath path) => Find(path) is { IsContents: true };

    /// <summary>Whether a non-empty node exists at <paramref name="path"/>.</summary>
    public bool ContainsNode(StorePath path) => Find(path) is { IsNode: true };

    /// <summary>What is at <paramref name="path"/>: contents, a node, or nothing.</summary>
    public EntryKind? KindAt(StorePath path) => Find(path)?.Kind;

    /// <summary>This tree with contents <paramref name="bytes"/> at <paramref name="path"/>.</summary>
    public Tree Add(StorePath path, ReadOnlyMemory<byte> bytes, uint metadata = 0) => AddTree(path, OfContents(bytes, metadata));

    /// <summary>
    /// This tree with <paramref name="subtree"/> at <paramref name="path"/>. Contents in the way
    /// become nodes; adding an empty node removes the path.
    /// </summary>
    public Tree AddTree(StorePath path, Tree subtree)
    {
        ArgumentNullException.ThrowIfNull(subtree);
        if (subtree.IsNode && subtree.IsEmpty)
        {
            return Remove(path);
        }

        return path.IsRoot ? subtree : SetAt(path.Steps, 0, subtree);
    }

    /// <summary>This tree without <paramref name="path"/>; nodes left empty are removed too.</summary>
    public Tree Remove(StorePath path)
    {
        if (path.IsRoot)
        {
            return Empty;
        }

        return Find(path) is null ? this : SetAt(path.Steps, 0, null);
    }

    /// <summary>
    /// The entries of the node at <paramref name="path"/>, in the directory's canonical order
    /// (entries edited in memory, then stored ones), from <paramref name="offset"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tree>> List(StorePath path, long offset = 0, long count = long.MaxValue)
    {
        if (Find(path) is not { IsNode: true } node)
        {
            return [];
        }

        return node.ListEntries(offset, count);
    }

    private List<KeyValuePair<string, Tree>> ListEntries(long offset, long count)
    {
        var result = new List<KeyValuePair<string, Tree>>();
        if (edits.IsEmpty && BaseNode is { } stored)
        {
            foreach (var entry in NodeTrie.List(db!, stored, offset, count))
            {
                result.Add(new(entry.Step, OfEntry(db!, entry)));
            }

            return result;
        }

        var all = new SortedDictionary<string, Tree>(StringComparer.Ordinal);
        if (BaseNode is { } b)
        {
            foreach (var entry in NodeTrie.List(db!, b))
            {
                all[entry.Step] = OfEntry(db!, entry);
            }
        }

        foreach (var (step, child) in edits)
        {
            if (child is null)
            {
                all.Remove(step);
            }
            else
            {
                all[step] = child;
            }
        }

        return all.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)Math.Min(count, int.MaxValue)).ToList();
    }

    /// <summary>Every contents path below this tree with its contents, depth first.</summary>
    public IEnumerable<KeyValuePair<StorePath, Tree>> EnumerateContents() => EnumerateContents(StorePath.Root);

    private IEnumerable<KeyValuePair<StorePath, Tree>> EnumerateContents(StorePath prefix)
    {
        if (IsContents)
        {
            yield return new(prefix, this);
            yield break;
        }

        foreach (var (step, child) in ListEntries(0, long.MaxValue))
        {
            foreach (var item in child.EnumerateContents(prefix.Append(step)))
            {
                yield return item;
            }
        }
    }

    /// <summary>Folds over every contents path below this tree.</summary>
    public TAccumulate Fold<TAccumulate>(TAccumulate seed, Func<TAccumulate, StorePath, ReadOnlyMemory<byte>, TAccumulate> folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var acc = seed;
        foreach (var (path, contents) in EnumerateContents())
        {
            acc = folder(acc, path, contents.Value);
        }

        return acc;
    }

    /// <summary>
    /// The contents paths that differ from <paramref name="other"/>. Subtrees with equal hashes
    /// are skipped, so the cost follows the size of the difference.
    /// </summary>
    public IReadOnlyList<TreeChange> Diff(Tree other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var output = new List<TreeChange>();
        TreeDiff.Diff(db ?? other.db ?? DetachedObjectStore.Database, this, other, StorePath.Root, output);
        return output;
    }

    /// <summary>The hash under <paramref name="database"/>'s schema, cached.</summary>
    internal Hash HashWith(ObjectDatabase database)
    {
        if (IsStored)
        {
            return storedHash;
        }

        var cache = Volatile.Read(ref hashCache);
        if (cache is not null && ReferenceEquals(cache.Value.Schema, database.Schema))
        {
            return cache.Value.Hash;
        }

        var hash = Persist(database, persist: false);
        Volatile.Write(ref hashCache, new StrongBox<(Schema, Hash)>((database.Schema, hash)));
        return hash;
    }

    /// <summary>
    /// Encodes every object this tree holds in memory, adds them to <paramref name="database"/>
    /// when <paramref name="persist"/>, and returns the tree's hash.
    /// </summary>
    /// <remarks>
    /// When persisting, every stored object the tree names where it was edited (stored children
    /// and the stored nodes under edited ones) is checked to be in <paramref name="database"/>:
    /// one lookup per edited node or stored child, so the cost follows the edits. A missing one
    /// read from another store is copied in with what it reaches; one missing from its own store
    /// is refused with <see cref="ObjectNotFoundException"/>.
    /// </remarks>
    internal Hash Persist(ObjectDatabase database, bool persist)
    {
        if (IsContents)
        {
            if (value is { } bytes)
            {
                return database.WriteContents(bytes.Span, persist);
            }

            if (persist)
            {
                ObjectImport.EnsureHeld(database, db, storedHash, Kind);
            }

            return storedHash;
        }

        if (BaseNode is not null && persist)
        {
            ObjectImport.EnsureHeld(database, db, storedHash, Kind);
        }

        if (edits.IsEmpty)
        {
            return BaseNode ?? database.WriteNode(NodeObject.Empty, persist);
        }

        var changes = new List<NodeChange>(edits.Count);
        foreach (var (step, child) in edits)
        {
            if (child is null)
            {
                changes.Add(new NodeChange(step, null));
                continue;
            }

            var hash = child.Persist(database, persist);
            if (child.IsNode && hash == database.EmptyNodeHash)
            {
                changes.Add(new NodeChange(step, null));
            }
            else
            {
                changes.Add(new NodeChange(step, new NodeEntry(step, child.Kind, hash, child.Metadata)));
            }
        }

        // Only hashing: read the stored node where it lives, which may be another store.
        var reader = !persist && db is { } own && ReferenceEquals(own.Schema, database.Schema) ? own : database;
        var result = NodeTrie.Update(reader, BaseNode, changes, persist);
        if (persist)
        {
            Volatile.Write(ref hashCache, new StrongBox<(Schema, Hash)>((database.Schema, result)));
        }

        return result;
    }

    private Tree SetAt(ImmutableArray<string> steps, int index, Tree? leaf)
    {
        var node = IsContents ? Empty : this;
        var step = steps[index];
        Tree? child;
        if (index == steps.Length - 1)
        {
            child = leaf;
        }
        else
        {
            var existing = node.Child(step) ?? Empty;
            child = existing.SetAt(steps, index + 1, leaf);
            if (leaf is null && child.IsEmpty)
            {
                child = null;
            }
        }

        return node.WithEdit(step, child);
    }

    internal Tree WithEdit(string step, Tree? child)
    {
        var database = db ?? child?.db;
        return new Tree(database, false, null, storedHash, 0, edits.SetItem(step, child));
    }
}
