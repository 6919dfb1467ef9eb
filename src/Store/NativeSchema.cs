using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using MessagePack;

namespace IrminSharp.Store;

/// <summary>
/// The native schema: BLAKE3-256 hashes, MessagePack-encoded objects with a one-byte kind tag,
/// and large directories as 32-way hash tries. See <c>docs/formats/objects.md</c>.
/// </summary>
public sealed class NativeSchema : Schema
{
    private const int HashBytes = 32;

    [ThreadStatic]
    private static byte[]? hashScratch;


    private NativeSchema()
    {
    }

    // MessagePackWriter's span parameters are not 'scoped', so stack buffers cannot be passed.
    private static byte[] HashScratch => hashScratch ??= new byte[HashBytes];

    /// <summary>The one instance.</summary>
    public static NativeSchema Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "irmin-native-v1";

    /// <inheritdoc/>
    public override int HashSize => HashBytes;

    /// <inheritdoc/>
    public override bool UsesHashTrie => true;

    /// <inheritdoc/>
    public override Hash ComputeHash(ReadOnlySpan<byte> encodedObject) => Hash.ComputeBlake3(encodedObject);

    /// <inheritdoc/>
    public override Hash HashStep(string step)
    {
        ArgumentNullException.ThrowIfNull(step);

        // Computed every time: BLAKE3 of a short step (about 100 ns) is cheaper than a cache
        // lookup that misses the CPU caches.
        var max = Encoding.UTF8.GetMaxByteCount(step.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(step, buffer);
            return Hash.ComputeBlake3(buffer[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public override ObjectKind KindOf(ReadOnlySpan<byte> encodedObject, Hash hash)
    {
        if (encodedObject.IsEmpty || encodedObject[0] is < (byte)ObjectKind.Contents or > (byte)ObjectKind.Commit)
        {
            throw new CorruptDataException($"object {hash}", 0, encodedObject.IsEmpty ? "empty object" : $"unknown kind tag {encodedObject[0]}");
        }

        return (ObjectKind)encodedObject[0];
    }

    /// <inheritdoc/>
    public override void EncodeContents(ReadOnlySpan<byte> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(value.Length + 1);
        span[0] = (byte)ObjectKind.Contents;
        value.CopyTo(span[1..]);
        writer.Advance(value.Length + 1);
    }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> DecodeContents(ReadOnlyMemory<byte> encodedObject, Hash hash)
    {
        Expect(encodedObject.Span, ObjectKind.Contents, hash);
        return encodedObject[1..];
    }

    /// <inheritdoc/>
    public override void EncodeNode(NodeObject node, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(writer);
        var tag = writer.GetSpan(1);
        tag[0] = (byte)(node.IsInner ? ObjectKind.Inode : ObjectKind.Node);
        writer.Advance(1);
        var hashBytes = HashScratch;
        var w = new MessagePackWriter(writer);
        if (node.IsInner)
        {
            w.WriteArrayHeader(3);
            w.Write(node.Count);
            w.Write(node.Bitmap);
            var children = node.Children;
            w.WriteBinHeader(children.Length * HashBytes);
            foreach (var child in children)
            {
                child.CopyTo(hashBytes);
                w.WriteRaw(hashBytes);
            }
        }
        else
        {
            var entries = node.Entries;
            w.WriteArrayHeader(entries.Length);
            foreach (var entry in entries)
            {
                w.WriteArrayHeader(4);
                w.Write(entry.Step);
                w.Write((byte)entry.Kind);
                entry.Hash.CopyTo(hashBytes);
                w.Write(hashBytes);
                w.Write(entry.Metadata);
            }
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public override NodeObject DecodeNode(ReadOnlyMemory<byte> encodedObject, Hash hash)
    {
        var kind = KindOf(encodedObject.Span, hash);
        if (kind is not (ObjectKind.Node or ObjectKind.Inode))
        {
            throw new CorruptDataException($"object {hash}", 0, $"expected a node, found {kind}");
        }

        var reader = new MessagePackReader(encodedObject[1..]);
        try
        {
            var node = kind == ObjectKind.Inode ? ReadInner(ref reader, hash) : ReadFlat(ref reader, hash);
            if (!reader.End)
            {
                throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "trailing bytes after the node");
            }

            return node;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "malformed node: " + e.Message, e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Reads kinds and hashes only: steps are skipped, not decoded or checked.</remarks>
    public override void ListChildNodes(ReadOnlyMemory<byte> encodedNode, Hash hash, List<Hash> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var kind = KindOf(encodedNode.Span, hash);
        if (kind is not (ObjectKind.Node or ObjectKind.Inode))
        {
            throw new CorruptDataException($"object {hash}", 0, $"expected a node, found {kind}");
        }

        var reader = new MessagePackReader(encodedNode[1..]);
        try
        {
            if (kind == ObjectKind.Inode)
            {
                output.AddRange(ReadInner(ref reader, hash).Children);
                return;
            }

            var n = reader.ReadArrayHeader();
            for (var i = 0; i < n; i++)
            {
                if (reader.ReadArrayHeader() != 4)
                {
                    throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "a node entry has 4 fields");
                }

                reader.Skip(); // the step
                var entryKind = reader.ReadByte();
                if (entryKind == (byte)EntryKind.Node)
                {
                    output.Add(ReadHash(ref reader, hash));
                }
                else
                {
                    reader.Skip();
                }

                reader.Skip(); // metadata
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "malformed node: " + e.Message, e);
        }
    }

    private static NodeObject ReadFlat(ref MessagePackReader reader, Hash hash)
    {
        var n = reader.ReadArrayHeader();
        var builder = ImmutableArray.CreateBuilder<NodeEntry>(n);
        string? previous = null;
        for (var i = 0; i < n; i++)
        {
            if (reader.ReadArrayHeader() != 4)
            {
                throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "a node entry has 4 fields");
            }

            var step = reader.ReadString() ?? throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "a step is nil");
            try
            {
                StorePath.ValidateStep(step);
            }
            catch (InvalidPathException e)
            {
                throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, e.Message, e);
            }

            if (previous is not null && string.CompareOrdinal(previous, step) >= 0)
            {
                throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "node entries are not sorted and unique");
            }

            var kind = reader.ReadByte();
            if (kind > (byte)EntryKind.Node)
            {
                throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, $"unknown entry kind {kind}");
            }

            var target = ReadHash(ref reader, hash);
            var metadata = reader.ReadUInt32();
            builder.Add(new NodeEntry(step, (EntryKind)kind, target, metadata));
            previous = step;
        }

        return NodeObject.Flat(builder.MoveToImmutable());
    }

    private static NodeObject ReadInner(ref MessagePackReader reader, Hash hash)
    {
        if (reader.ReadArrayHeader() != 3)
        {
            throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "an inode has 3 fields");
        }

        var count = reader.ReadInt64();
        var bitmap = reader.ReadUInt32();
        var bytes = reader.ReadBytes() ?? throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "inode children are nil");
        var children = System.Numerics.BitOperations.PopCount(bitmap);
        if (bitmap == 0 || count <= 0 || bytes.Length != children * HashBytes)
        {
            throw new CorruptDataException($"object {hash}", 1 + reader.Consumed, "inode bitmap, count and children disagree");
        }

        var flat = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
        var builder = ImmutableArray.CreateBuilder<Hash>(children);
        for (var i = 0; i < children; i++)
        {
            builder.Add(Hash.FromBytes(flat.Slice(i * HashBytes, HashBytes)));
        }

        return NodeObject.Inner(count, bitmap, builder.MoveToImmutable());
    }

    /// <inheritdoc/>
    public override void EncodeCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, long height, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(writer);
        var tag = writer.GetSpan(1);
        tag[0] = (byte)ObjectKind.Commit;
        writer.Advance(1);
        var hashBytes = HashScratch;
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(6);
        root.CopyTo(hashBytes);
        w.Write(hashBytes);
        w.WriteArrayHeader(parents.Length);
        foreach (var parent in parents)
        {
            parent.CopyTo(hashBytes);
            w.Write(hashBytes);
        }

        w.Write(info.Author);
        w.Write(info.Message);
        w.Write(info.Timestamp);
        w.Write(height);
        w.Flush();
    }

    /// <inheritdoc/>
    public override Commit DecodeCommit(ReadOnlyMemory<byte> encodedObject, Hash hash)
    {
        Expect(encodedObject.Span, ObjectKind.Commit, hash);
        var reader = new MessagePackReader(encodedObject[1..]);
        try
        {
            if (reader.ReadArrayHeader() != 6)
            {
                throw new CorruptDataException($"commit {hash}", 1 + reader.Consumed, "a commit has 6 fields");
            }

            var root = ReadHash(ref reader, hash);
            var n = reader.ReadArrayHeader();
            var parents = ImmutableArray.CreateBuilder<Hash>(n);
            for (var i = 0; i < n; i++)
            {
                parents.Add(ReadHash(ref reader, hash));
            }

            var author = reader.ReadString() ?? string.Empty;
            var message = reader.ReadString() ?? string.Empty;
            var timestamp = reader.ReadInt64();
            var height = reader.ReadInt64();
            if (!reader.End)
            {
                throw new CorruptDataException($"commit {hash}", 1 + reader.Consumed, "trailing bytes after the commit");
            }

            return new Commit(hash, root, parents.MoveToImmutable(), new CommitInfo(author, message, timestamp), height);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new CorruptDataException($"commit {hash}", 1 + reader.Consumed, "malformed commit: " + e.Message, e);
        }
    }

    private static Hash ReadHash(ref MessagePackReader reader, Hash owner)
    {
        var bytes = reader.ReadBytes() ?? throw new CorruptDataException($"object {owner}", 1 + reader.Consumed, "a hash is nil");
        if (bytes.Length != HashBytes)
        {
            throw new CorruptDataException($"object {owner}", 1 + reader.Consumed, $"a hash has {bytes.Length} bytes, not {HashBytes}");
        }

        return bytes.IsSingleSegment ? Hash.FromBytes(bytes.FirstSpan) : Hash.FromBytes(bytes.ToArray());
    }

    private void Expect(ReadOnlySpan<byte> encodedObject, ObjectKind expected, Hash hash)
    {
        var kind = KindOf(encodedObject, hash);
        if (kind != expected)
        {
            throw new CorruptDataException($"object {hash}", 0, $"expected {expected}, found {kind}");
        }
    }
}
