using System.Buffers;
using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// Typed access to an <see cref="IObjectStore"/> through a <see cref="Schema"/>: reads decode and
/// cache nodes and commits; writes encode, hash and add.
/// </summary>
/// <remarks>
/// Safe for concurrent use. The caches are dropped when the store reports a garbage collection
/// (<see cref="IObjectStore.Collections"/> changes), so a collected object is not served from
/// memory afterwards; each cached read compares that count, without a lock.
/// </remarks>
public sealed class ObjectDatabase
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? scratch;

    private readonly int cacheCapacity;
    private Caches caches;

    /// <summary>Creates the database over a store.</summary>
    public ObjectDatabase(IObjectStore store, Schema schema, int cacheCapacity = 100_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(schema);
        Store = store;
        Schema = schema;
        this.cacheCapacity = cacheCapacity;
        caches = new Caches(store.Collections, cacheCapacity);
        EmptyNodeHash = HashNode(NodeObject.Empty);
    }

    /// <summary>The underlying store.</summary>
    public IObjectStore Store { get; }

    /// <summary>The schema objects are encoded with.</summary>
    public Schema Schema { get; }

    /// <summary>The hash of the empty node.</summary>
    public Hash EmptyNodeHash { get; }

    /// <summary>Whether an object is present.</summary>
    public bool Contains(Hash hash) => Store.Contains(hash);

    /// <summary>
    /// Reads an encoded object and checks that it hashes to <paramref name="hash"/>; throws
    /// <see cref="ObjectNotFoundException"/> when absent and <see cref="CorruptDataException"/>
    /// (naming the object) when the bytes are not the object's.
    /// </summary>
    public ReadOnlyMemory<byte> ReadRaw(Hash hash, string what = "object") =>
        Store.TryRead(hash, out var bytes) ? Verified(hash, bytes) : throw new ObjectNotFoundException(hash, what);

    /// <summary>Reads a node (flat or inner).</summary>
    public NodeObject ReadNode(Hash hash)
    {
        var nodes = Current().Nodes;
        if (nodes.TryGet(hash, out var node))
        {
            return node;
        }

        if (hash == EmptyNodeHash)
        {
            return NodeObject.Empty;
        }

        node = Schema.DecodeNode(ReadRaw(hash, "node"), hash);
        nodes.Add(hash, node);
        return node;
    }

    /// <summary>
    /// Finds the entry at <paramref name="path"/> (not the root) under the stored node
    /// <paramref name="root"/>. Found entries are cached by (root, path), like an operating
    /// system's directory entry cache: a stored root never changes, so nothing is invalidated
    /// until a garbage collection, which drops the cache.
    /// </summary>
    public bool TryFindEntry(Hash root, StorePath path, out NodeEntry entry)
    {
        var paths = Current().Paths;
        var key = new PathLookup(root, path);
        if (paths.TryGet(key, out entry))
        {
            return true;
        }

        var steps = path.Steps;
        var node = root;
        for (var i = 0; i < steps.Length; i++)
        {
            if (!NodeTrie.TryFind(this, node, steps[i], out entry))
            {
                return false;
            }

            if (i < steps.Length - 1)
            {
                if (entry.Kind != EntryKind.Node)
                {
                    return false;
                }

                node = entry.Hash;
            }
        }

        if (steps.Length == 0)
        {
            return false;
        }

        paths.Add(key, entry);
        return true;
    }

    /// <summary>Reads a commit.</summary>
    public Commit ReadCommit(Hash hash)
    {
        var commits = Current().Commits;
        if (commits.TryGet(hash, out var commit))
        {
            return commit;
        }

        commit = Schema.DecodeCommit(ReadRaw(hash, "commit"), hash);
        commits.Add(hash, commit);
        return commit;
    }

    /// <summary>Reads a commit; false when it is absent or the object is not a commit.</summary>
    public bool TryReadCommit(Hash hash, out Commit commit)
    {
        var commits = Current().Commits;
        if (commits.TryGet(hash, out commit))
        {
            return true;
        }

        if (!Store.TryRead(hash, out var bytes) || Verified(hash, bytes).IsEmpty || Schema.KindOf(bytes.Span, hash) != ObjectKind.Commit)
        {
            commit = null!;
            return false;
        }

        commit = Schema.DecodeCommit(bytes, hash);
        commits.Add(hash, commit);
        return true;
    }

    /// <summary>Reads a contents object's value bytes.</summary>
    public ReadOnlyMemory<byte> ReadContents(Hash hash) => Schema.DecodeContents(ReadRaw(hash, "contents"), hash);

    /// <summary>The hash a contents object would have.</summary>
    public Hash HashContents(ReadOnlySpan<byte> value) => WriteContents(value, persist: false);

    /// <summary>Encodes a contents object, and adds it to the store when <paramref name="persist"/>.</summary>
    public Hash WriteContents(ReadOnlySpan<byte> value, bool persist = true)
    {
        var buffer = Scratch();
        Schema.EncodeContents(value, buffer);
        return Finish(buffer, persist);
    }

    /// <summary>The hash a node object would have.</summary>
    public Hash HashNode(NodeObject node) => WriteNode(node, persist: false);

    /// <summary>Encodes a node, and adds it to the store when <paramref name="persist"/>.</summary>
    public Hash WriteNode(NodeObject node, bool persist = true)
    {
        var nodes = Current().Nodes;
        var buffer = Scratch();
        Schema.EncodeNode(node, buffer);
        var hash = Finish(buffer, persist);
        if (persist)
        {
            nodes.Add(hash, node);
        }

        return hash;
    }

    /// <summary>Encodes a commit and adds it to the store.</summary>
    public Commit WriteCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, bool persist = true) =>
        WriteCommit(root, parents, info, persist, out _);

    /// <summary>
    /// Encodes a commit and adds it to the store; false (with the commit) when an identical commit
    /// was already stored.
    /// </summary>
    public bool TryWriteNewCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, out Commit commit)
    {
        commit = WriteCommit(root, parents, info, persist: true, out var added);
        return added;
    }

    private Commit WriteCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, bool persist, out bool added)
    {
        ArgumentNullException.ThrowIfNull(info);
        var commits = Current().Commits;
        long height = 0;
        foreach (var parent in parents)
        {
            height = Math.Max(height, ReadCommit(parent).Height);
        }

        var buffer = Scratch();
        Schema.EncodeCommit(root, parents, info, height + 1, buffer);
        var hash = Schema.ComputeHash(buffer.WrittenSpan);
        added = persist && Store.Add(hash, buffer.WrittenSpan);
        var commit = new Commit(hash, root, parents, info, height + 1);
        if (persist)
        {
            commits.Add(hash, commit);
        }

        return commit;
    }

    /// <summary>
    /// The caches for the store's current collection count; new, empty ones when a gc ran since.
    /// A read takes them before touching the store and adds to the same ones, so what it read
    /// before a gc lands in caches that are already discarded.
    /// </summary>
    private Caches Current()
    {
        var current = Volatile.Read(ref caches);
        var collections = Store.Collections;
        if (current.Collections == collections)
        {
            return current;
        }

        var fresh = new Caches(collections, cacheCapacity);
        var found = Interlocked.CompareExchange(ref caches, fresh, current);
        return ReferenceEquals(found, current) ? fresh : found;
    }

    /// <summary>
    /// The bytes a store returned for <paramref name="hash"/>, once they hash to it: a store's own
    /// checks (a record CRC) cover its medium, this one covers everything between.
    /// </summary>
    private ReadOnlyMemory<byte> Verified(Hash hash, ReadOnlyMemory<byte> bytes)
    {
        var actual = Schema.ComputeHash(bytes.Span);
        return actual == hash
            ? bytes
            : throw new CorruptDataException($"object {hash}", -1, $"the stored bytes hash to {actual}") { Object = hash };
    }

    private static ArrayBufferWriter<byte> Scratch()
    {
        var buffer = scratch ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private Hash Finish(ArrayBufferWriter<byte> buffer, bool persist)
    {
        var hash = Schema.ComputeHash(buffer.WrittenSpan);
        if (persist)
        {
            Store.Add(hash, buffer.WrittenSpan);
        }

        return hash;
    }

    /// <summary>The decoded objects and path lookups, valid for one collection count of the store.</summary>
    private sealed class Caches(long collections, int capacity)
    {
        public long Collections { get; } = collections;

        public ObjectCache<Hash, NodeObject> Nodes { get; } = new(capacity);

        public ObjectCache<Hash, Commit> Commits { get; } = new(capacity);

        public ObjectCache<PathLookup, NodeEntry> Paths { get; } = new(capacity);
    }
}
