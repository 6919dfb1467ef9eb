using System.Text;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class TreeTests
{
    private static ReadOnlyMemory<byte> B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(ReadOnlyMemory<byte> b) => Encoding.UTF8.GetString(b.Span);

    private static ObjectDatabase NewDb() => new(new MemoryObjectStore(), NativeSchema.Instance);

    [Fact]
    public void AddFindRemove_InMemory_BehavesLikeAMap()
    {
        var tree = Tree.Empty.Add("a/b/c", B("1")).Add("a/d", B("2")).Add("e", B("3"));
        Assert.True(tree.TryGetValue("a/b/c", out var v));
        Assert.Equal("1", S(v));
        Assert.Equal(EntryKind.Node, tree.KindAt("a/b"));
        Assert.Equal(EntryKind.Contents, tree.KindAt("e"));
        Assert.Null(tree.KindAt("zz"));
        var removed = tree.Remove("a/b/c");
        Assert.False(removed.ContainsNode("a/b"));
        Assert.True(removed.ContainsContents("a/d"));
        Assert.True(tree.ContainsContents("a/b/c"));
    }

    [Fact]
    public void Hash_SameEntriesDifferentOrder_Equal()
    {
        var a = Tree.Empty.Add("x", B("1")).Add("y/z", B("2"));
        var b = Tree.Empty.Add("y/z", B("2")).Add("x", B("1"));
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, a.Add("x", B("9")).Hash);
    }

    [Fact]
    public void Persist_RoundTripsThroughTheStore()
    {
        var db = NewDb();
        var tree = Tree.Empty.Add("a/b", B("1")).Add("c", B("2"));
        var hash = tree.Persist(db, persist: true);
        Assert.Equal(tree.Hash, hash);
        var stored = Tree.OfStoredNode(db, hash);
        Assert.True(stored.TryGetValue("a/b", out var v));
        Assert.Equal("1", S(v));
        Assert.Equal(2, stored.Count);
    }

    [Fact]
    public void HashTrie_ShapeIndependentOfEditOrder()
    {
        var db = NewDb();
        var steps = Enumerable.Range(0, 1500).Select(i => "k" + i).ToArray();
        var forward = steps.Aggregate(Tree.Empty, (t, s) => t.Add(s, B(s)));
        var rng = new Random(7);
        var shuffled = steps.OrderBy(_ => rng.Next()).ToArray();
        // Build the second one through stored intermediate states, to exercise incremental updates.
        var incremental = Tree.OfStoredNode(db, Tree.Empty.Persist(db, true));
        foreach (var chunk in shuffled.Chunk(100))
        {
            var t = chunk.Aggregate(incremental, (acc, s) => acc.Add(s, B(s)));
            incremental = Tree.OfStoredNode(db, t.Persist(db, true));
        }

        Assert.Equal(forward.Persist(db, true), incremental.Hash);
        Assert.Equal(1500, incremental.Count);
        Assert.True(db.ReadNode(incremental.Hash).IsInner);
    }

    [Fact]
    public void HashTrie_RemovingBelowThreshold_CollapsesToTheFlatShape()
    {
        var db = NewDb();
        var big = Enumerable.Range(0, 400).Aggregate(Tree.Empty, (t, i) => t.Add("f" + i, B(i.ToString())));
        var stored = Tree.OfStoredNode(db, big.Persist(db, true));
        var shrunk = Enumerable.Range(20, 380).Aggregate(stored, (t, i) => t.Remove("f" + i));
        var shrunkHash = shrunk.Persist(db, true);
        var direct = Enumerable.Range(0, 20).Aggregate(Tree.Empty, (t, i) => t.Add("f" + i, B(i.ToString())));
        Assert.Equal(direct.Hash, shrunkHash);
        Assert.False(db.ReadNode(shrunkHash).IsInner);
    }

    [Fact]
    public void HashTrie_FindAndListWithPaging_SeeEveryEntry()
    {
        var db = NewDb();
        var big = Enumerable.Range(0, 3000).Aggregate(Tree.Empty, (t, i) => t.Add("e" + i, B(i.ToString())));
        var stored = Tree.OfStoredNode(db, big.Persist(db, true));
        for (var i = 0; i < 3000; i += 97)
        {
            Assert.True(stored.TryGetValue("e" + i, out var v));
            Assert.Equal(i.ToString(), S(v));
        }

        Assert.False(stored.ContainsContents("e3000"));
        var paged = new List<string>();
        for (var offset = 0; offset < 3000; offset += 128)
        {
            paged.AddRange(stored.List(StorePath.Root, offset, 128).Select(e => e.Key));
        }

        Assert.Equal(3000, paged.Distinct().Count());
        Assert.Equal(stored.List(StorePath.Root).Select(e => e.Key), paged);
    }

    [Fact]
    public void HashTrie_OneUpdateInLargeDirectory_WritesFewSmallObjects()
    {
        var store = new MemoryObjectStore();
        var db = new ObjectDatabase(store, NativeSchema.Instance);
        var big = Enumerable.Range(0, 20_000).Aggregate(Tree.Empty, (t, i) => t.Add("e" + i, B("v")));
        var stored = Tree.OfStoredNode(db, big.Persist(db, true));
        var before = store.Count;
        var bytesBefore = store.Bytes;
        stored.Add("e123", B("changed")).Persist(db, true);
        Assert.InRange(store.Count - before, 1, 6);
        Assert.InRange(store.Bytes - bytesBefore, 1, 8 * 1024);
    }

    [Fact]
    public void Diff_ReportsExactlyTheChangedContents()
    {
        var db = NewDb();
        var baseTree = Enumerable.Range(0, 1000).Aggregate(Tree.Empty, (t, i) => t.Add($"d{i % 10}/f{i}", B("v")));
        var stored = Tree.OfStoredNode(db, baseTree.Persist(db, true));
        var changed = stored.Add("d3/f3", B("w")).Remove("d4/f4").Add("new/x", B("n"));
        var diff = stored.Diff(changed).ToDictionary(c => c.Path.ToString(), c => c.Kind);
        Assert.Equal(new Dictionary<string, string> { ["d3/f3"] = "updated", ["d4/f4"] = "removed", ["new/x"] = "added" }, diff);
        Assert.Empty(stored.Diff(stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("..")]
    [InlineData("a\0b")]
    public void InvalidPath_IsATypedError(string path)
    {
        if (path.Length == 0)
        {
            Assert.Throws<InvalidPathException>(() => StorePath.FromSteps(""));
            return;
        }

        Assert.Throws<InvalidPathException>(() => StorePath.Parse(path));
    }
}
