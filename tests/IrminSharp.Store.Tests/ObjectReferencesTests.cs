using System.Collections.Immutable;
using System.Text;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class ObjectReferencesTests
{
    private static List<Hash> Named(ObjectDatabase db, Hash hash)
    {
        var output = new List<Hash>();
        ObjectReferences.List(db.Schema, db.ReadRaw(hash), hash, output);
        return output;
    }

    [Fact]
    public void List_Commit_NamesRootAndParents()
    {
        var db = new ObjectDatabase(new MemoryObjectStore(), NativeSchema.Instance);
        var first = db.WriteCommit(db.EmptyNodeHash, ImmutableArray<Hash>.Empty, new CommitInfo("t", "1", 1));
        var root = Tree.Empty.Add("k", Encoding.UTF8.GetBytes("v")).Persist(db, persist: true);
        var second = db.WriteCommit(root, [first.Hash], new CommitInfo("t", "2", 2));

        Assert.Equal([root, first.Hash], Named(db, second.Hash));
        Assert.Equal([db.EmptyNodeHash], Named(db, first.Hash));
    }

    [Fact]
    public void List_FlatNode_NamesEveryEntry_AndContentsNameNothing()
    {
        var db = new ObjectDatabase(new MemoryObjectStore(), NativeSchema.Instance);
        var tree = Tree.Empty.Add("a", Encoding.UTF8.GetBytes("1")).Add("d/e", Encoding.UTF8.GetBytes("2"));
        var root = tree.Persist(db, persist: true);
        var a = tree.Find("a")!.HashWith(db);
        var d = tree.Find("d")!.HashWith(db);

        Assert.Equal([a, d], Named(db, root));
        Assert.Empty(Named(db, a));
    }

    [Fact]
    public void List_InnerNode_NamesItsChildren()
    {
        var db = new ObjectDatabase(new MemoryObjectStore(), NativeSchema.Instance);
        var tree = Tree.Empty;
        for (var i = 0; i < 100; i++)
        {
            tree = tree.Add($"k{i}", Encoding.UTF8.GetBytes($"v{i}"));
        }

        var root = tree.Persist(db, persist: true);
        var node = db.ReadNode(root);
        Assert.True(node.IsInner);

        Assert.Equal(node.Children, Named(db, root));
    }

    [Fact]
    public void List_Garbage_ThrowsCorruptData()
    {
        byte[] garbage = [(byte)ObjectKind.Node, 0xc1, 0xff];
        var hash = NativeSchema.Instance.ComputeHash(garbage);

        Assert.Throws<CorruptDataException>(() => ObjectReferences.List(NativeSchema.Instance, garbage, hash, []));
    }
}
