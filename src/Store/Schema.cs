using System.Buffers;
using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// A hash function paired with an object encoding. The core is written against a schema, never
/// against one hash or one format.
/// </summary>
public abstract class Schema
{
    /// <summary>The schema's name, recorded in stores and exchanged by peers.</summary>
    public abstract string Name { get; }

    /// <summary>The size of its hashes in bytes.</summary>
    public abstract int HashSize { get; }

    /// <summary>
    /// Whether large directories are stored as hash tries of inner nodes (else always flat).
    /// </summary>
    public abstract bool UsesHashTrie { get; }

    /// <summary>A directory with at most this many entries is stored flat.</summary>
    public virtual int MaxFlatEntries => 32;

    /// <summary>A bucket of the hash trie with at most this many entries is stored as a flat leaf.</summary>
    public virtual int MaxLeafEntries => 32;

    /// <summary>The hash of an encoded object: its identity.</summary>
    public abstract Hash ComputeHash(ReadOnlySpan<byte> encodedObject);

    /// <summary>The hash of a step, whose 5-bit digits route it through a directory's hash trie.</summary>
    public abstract Hash HashStep(string step);

    /// <summary>The kind of an encoded object; throws <see cref="CorruptDataException"/> if unknown.</summary>
    public abstract ObjectKind KindOf(ReadOnlySpan<byte> encodedObject, Hash hash);

    /// <summary>Encodes a contents object around a user value's bytes.</summary>
    public abstract void EncodeContents(ReadOnlySpan<byte> value, IBufferWriter<byte> writer);

    /// <summary>The user value's bytes within an encoded contents object.</summary>
    public abstract ReadOnlyMemory<byte> DecodeContents(ReadOnlyMemory<byte> encodedObject, Hash hash);

    /// <summary>Encodes a node object (flat or inner).</summary>
    public abstract void EncodeNode(NodeObject node, IBufferWriter<byte> writer);

    /// <summary>Decodes a node object; throws <see cref="CorruptDataException"/> on invalid bytes.</summary>
    public abstract NodeObject DecodeNode(ReadOnlyMemory<byte> encodedObject, Hash hash);

    /// <summary>
    /// Adds to <paramref name="output"/> the nodes an encoded node names: an inner node's
    /// children, a flat node's node entries (not its contents). For walks that need only the
    /// shape of a tree; a schema may do it without decoding the whole node.
    /// </summary>
    public virtual void ListChildNodes(ReadOnlyMemory<byte> encodedNode, Hash hash, List<Hash> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var node = DecodeNode(encodedNode, hash);
        if (node.IsInner)
        {
            output.AddRange(node.Children);
            return;
        }

        foreach (var entry in node.Entries)
        {
            if (entry.Kind == EntryKind.Node)
            {
                output.Add(entry.Hash);
            }
        }
    }

    /// <summary>Encodes a commit object.</summary>
    public abstract void EncodeCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, long height, IBufferWriter<byte> writer);

    /// <summary>Decodes a commit object; throws <see cref="CorruptDataException"/> on invalid bytes.</summary>
    public abstract Commit DecodeCommit(ReadOnlyMemory<byte> encodedObject, Hash hash);
}
