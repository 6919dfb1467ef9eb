using System.Collections.Immutable;
using System.Text;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class ObjectDatabaseCollectionTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ReadNode_CachedThenCollected_ThrowsObjectNotFound()
    {
        var objects = new CollectingObjectStore();
        var db = new ObjectDatabase(objects, NativeSchema.Instance);
        var contents = db.WriteContents(B("v"));
        var node = db.WriteNode(NodeObject.Flat([new NodeEntry("k", EntryKind.Contents, contents)]));
        Assert.Equal("k", Assert.Single(db.ReadNode(node).Entries).Step);

        objects.Collect(node);

        var e = Assert.Throws<ObjectNotFoundException>(() => db.ReadNode(node));
        Assert.Equal(node, e.Hash);
    }

    [Fact]
    public void ReadCommit_CachedThenCollected_IsGone()
    {
        var objects = new CollectingObjectStore();
        var db = new ObjectDatabase(objects, NativeSchema.Instance);
        var commit = db.WriteCommit(db.EmptyNodeHash, ImmutableArray<Hash>.Empty, new CommitInfo("t", "m", 1));
        Assert.Equal(commit.Hash, db.ReadCommit(commit.Hash).Hash);

        objects.Collect(commit.Hash);

        Assert.False(db.TryReadCommit(commit.Hash, out _));
        Assert.Throws<ObjectNotFoundException>(() => db.ReadCommit(commit.Hash));
    }

    [Fact]
    public void TryFindEntry_CachedPathThenRootCollected_ThrowsObjectNotFound()
    {
        var objects = new CollectingObjectStore();
        var db = new ObjectDatabase(objects, NativeSchema.Instance);
        var root = Tree.Empty.Add("a/b", B("1")).Persist(db, persist: true);
        Assert.True(db.TryFindEntry(root, "a/b", out _));

        objects.Collect(root);

        Assert.Throws<ObjectNotFoundException>(() => db.TryFindEntry(root, "a/b", out _));
    }

    [Fact]
    public void ReadNode_NoCollection_ServesTheCache()
    {
        var objects = new CollectingObjectStore();
        var db = new ObjectDatabase(objects, NativeSchema.Instance);
        var node = Tree.Empty.Add("x", B("1")).Persist(db, persist: true);
        db.ReadNode(node);
        var reads = objects.Reads;

        db.ReadNode(node);
        db.ReadNode(node);

        Assert.Equal(reads, objects.Reads);
    }
}
