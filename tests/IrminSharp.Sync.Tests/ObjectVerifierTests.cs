using System.Buffers;
using System.Collections.Immutable;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// The receiver's object checks called directly, one object at a time, for the cases mutation
/// testing found no test for (docs/testing.md, "Mutation testing"): the exact size and depth
/// limits, a flat node naming a missing node, a node naming contents as a node, an inner node
/// too small or miscounted, a trie exactly as tall as the hash allows, a commit whose root is
/// not a node, whose parent is not a commit or whose height is wrong, deltas against a missing
/// base, and the depths the checks remember.
/// </summary>
public sealed class ObjectVerifierTests
{
    private static readonly CommitInfo Info = new("peer", "test", 1);

    /// <summary>Where the test builds objects; the verifier's store starts empty.</summary>
    private readonly ObjectDatabase source = new(new MemoryObjectStore(), NativeSchema.Instance);
    private readonly ObjectDatabase target = new(new MemoryObjectStore(), NativeSchema.Instance);
    private readonly NodeDepths depths = new();

    private ObjectVerifier Verifier(SyncLimits? limits = null) => new(target, limits ?? SyncLimits.Default, depths, "peer");

    private ReadOnlyMemory<byte> Raw(Hash hash) => source.Store.TryRead(hash, out var bytes) ? bytes : throw new InvalidOperationException("not built");

    /// <summary>Checks each object in turn, as a transfer would send them.</summary>
    private void Send(ObjectVerifier verifier, params Hash[] hashes)
    {
        foreach (var hash in hashes)
        {
            verifier.Check(hash, Raw(hash));
        }
    }

    private SyncException Refused(ObjectVerifier verifier, params Hash[] hashes) => Assert.Throws<SyncException>(() => Send(verifier, hashes));

    private Hash Value(int i) => source.WriteContents(BitConverter.GetBytes(i));

    private Hash Leaf(int entries, int offset = 0) =>
        source.WriteNode(NodeObject.Flat([.. Enumerable.Range(0, entries).Select(i => new NodeEntry($"x{i + offset:D3}", EntryKind.Contents, Value(i + offset)))]));

    [Fact]
    public void An_object_of_exactly_the_size_limit_is_accepted_and_one_byte_more_is_refused()
    {
        var value = Value(1);
        var size = Raw(value).Length;
        Send(Verifier(SyncLimits.Default with { MaxObjectBytes = size }), value);
        var e = Refused(Verifier(SyncLimits.Default with { MaxObjectBytes = size - 1 }), value);
        Assert.Contains($"is {size} bytes (limit {size - 1})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flat_node_naming_a_node_that_was_neither_sent_nor_stored_is_refused()
    {
        var child = Leaf(1);
        var parent = source.WriteNode(NodeObject.Flat([new NodeEntry("dir", EntryKind.Node, child)]));
        var e = Refused(Verifier(), parent);
        Assert.Contains($"names {child}, which was neither sent before it nor stored", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_naming_contents_as_a_node_is_refused()
    {
        var value = Value(1);
        var parent = source.WriteNode(NodeObject.Flat([new NodeEntry("dir", EntryKind.Node, value)]));
        var e = Refused(Verifier(), value, parent);
        Assert.Contains($"names {value} as a node, and it is not one", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depths_are_remembered_and_a_tree_exactly_as_deep_as_the_limit_is_accepted()
    {
        var leaf = Leaf(1);
        var middle = source.WriteNode(NodeObject.Flat([new NodeEntry("a", EntryKind.Node, leaf)]));
        var top = source.WriteNode(NodeObject.Flat([new NodeEntry("b", EntryKind.Node, middle)]));
        var verifier = Verifier(SyncLimits.Default with { MaxTreeDepth = 3 });
        Send(verifier, Value(0), leaf, middle, top);
        Assert.Equal(3, depths.Of(target, top, 256));
        Assert.Equal(2, depths.Of(target, middle, 256));

        var above = source.WriteNode(NodeObject.Flat([new NodeEntry("c", EntryKind.Node, top)]));
        var e = Refused(verifier, above);
        Assert.Contains("deeper than 3 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inner_node_no_larger_than_a_leaf_is_refused()
    {
        var leaf = Leaf(32);
        var inner = source.WriteNode(NodeObject.Inner(32, 1u, [leaf]));
        var e = Refused(Verifier(), inner);
        Assert.Contains("holds 32 entries; a directory that small is a flat node", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inner_node_whose_children_hold_another_count_is_refused()
    {
        var first = Leaf(20);
        var second = Leaf(20, offset: 20);
        var inner = source.WriteNode(NodeObject.Inner(41, 3u, [first, second]));
        var verifier = Verifier();
        Send(verifier, [.. Enumerable.Range(0, 40).Select(Value), first, second]);
        var e = Refused(verifier, inner);
        Assert.Contains("claims 41 entries, its children hold 40", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inner_node_is_one_level_above_its_deepest_child()
    {
        var deep = source.WriteNode(NodeObject.Flat([new NodeEntry("d", EntryKind.Node, Leaf(1, offset: 99)), .. Enumerable.Range(0, 19).Select(i => new NodeEntry($"y{i:D2}", EntryKind.Contents, Value(i)))]));
        var flat = Leaf(20, offset: 20);
        var inner = source.WriteNode(NodeObject.Inner(40, 3u, [deep, flat]));
        Send(Verifier(), [.. Enumerable.Range(0, 40).Select(Value), Value(99), Leaf(1, offset: 99), deep, flat, inner]);
        Assert.Equal(2, depths.Of(target, deep, 256));
        Assert.Equal(3, depths.Of(target, inner, 256));
    }

    [Fact]
    public void A_trie_exactly_as_tall_as_the_hash_has_digits_is_accepted()
    {
        var levels = NativeSchema.Instance.HashSize * 8 / 5;
        var first = Leaf(17);
        var second = Leaf(16, offset: 17);
        var child = source.WriteNode(NodeObject.Inner(33, 3u, [first, second]));
        var chain = new List<Hash>([.. Enumerable.Range(0, 33).Select(Value), first, second, child]);
        for (var level = 1; level < levels; level++)
        {
            child = source.WriteNode(NodeObject.Inner(33, 1u, [child]));
            chain.Add(child);
        }

        var verifier = Verifier();
        Send(verifier, [.. chain]);
        var taller = source.WriteNode(NodeObject.Inner(33, 1u, [child]));
        var e = Refused(verifier, taller);
        Assert.Contains($"tops a hash trie of more than {levels} levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_commit_whose_root_is_not_a_node_or_whose_parent_is_not_a_commit_is_refused()
    {
        var value = Value(1);
        var root = Leaf(1, offset: 1);
        var onContents = Commit(value, [], height: 1);
        var e = Refused(Verifier(), value, onContents);
        Assert.Contains($"has root {value}, which is not a node", e.Message, StringComparison.Ordinal);

        var parentContents = Commit(root, [value], height: 2);
        e = Refused(Verifier(), value, root, parentContents);
        Assert.Contains($"has parent {value}, which is not a commit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_commit_claiming_a_height_its_parents_do_not_give_is_refused()
    {
        var root = Leaf(1, offset: 1);
        var first = Commit(root, [], height: 1);
        var second = Commit(root, [first], height: 3);
        var e = Refused(Verifier(), Value(1), root, first, second);
        Assert.Contains("claims height 3, its parents make it 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delta_against_a_base_that_is_not_here_or_that_does_not_fit_is_refused()
    {
        var verifier = Verifier();
        var expected = Value(1);
        var missing = Value(2);
        var entry = new ObjectEntry(new byte[] { 1 }, missing, 0, 0);
        var e = Assert.Throws<SyncException>(() => verifier.Rebuild(expected, missing, entry));
        Assert.Contains($"object {expected} is a delta against {missing}, which is not here", e.Message, StringComparison.Ordinal);

        Send(verifier, missing);
        var tooLong = new ObjectEntry(new byte[] { 1 }, missing, 1 << 20, 0);
        e = Assert.Throws<SyncException>(() => verifier.Rebuild(expected, missing, tooLong));
        Assert.Contains($"object {expected} is a delta that does not fit its base {missing}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delta_sent_without_an_offer_is_named_as_such_when_refused()
    {
        var verifier = Verifier();
        var missing = Value(2);
        var e = Assert.Throws<SyncException>(() => verifier.Rebuild(null, missing, new ObjectEntry(new byte[] { 1 }, missing, 0, 0)));
        Assert.Contains($"object sent unoffered is a delta against {missing}, which is not here", e.Message, StringComparison.Ordinal);

        Send(verifier, missing);
        e = Assert.Throws<SyncException>(() => verifier.Rebuild(null, missing, new ObjectEntry(new byte[] { 1 }, missing, 1 << 20, 0)));
        Assert.Contains($"object sent unoffered is a delta that does not fit its base {missing}", e.Message, StringComparison.Ordinal);
    }

    private Hash Commit(Hash root, ImmutableArray<Hash> parents, long height)
    {
        var writer = new ArrayBufferWriter<byte>();
        NativeSchema.Instance.EncodeCommit(root, parents, Info, height, writer);
        var hash = NativeSchema.Instance.ComputeHash(writer.WrittenSpan);
        source.Store.Add(hash, writer.WrittenSpan);
        return hash;
    }
}
