using System.Text;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class TreeImportTests
{
    private static Repository<string> Strings() => MemoryRepository.Create(StringContents.Instance);

    private static Repository<string> Strings(IObjectStore objects) =>
        Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static void AssertClosed<T>(Repository<T> repo)
    {
        var head = repo.Main.HeadHash ?? throw new InvalidOperationException("no head");
        foreach (var hash in ObjectGraph.Reachable(repo.Objects, [head]))
        {
            Assert.True(repo.Objects.Store.Contains(hash), $"{hash} is reachable but missing");
        }
    }

    [Fact]
    public void SetTree_TreeOfAnotherRepository_CopiesItsObjects()
    {
        using var a = Strings();
        using var b = Strings();
        a.Main.Set("x/y", "1");
        a.Main.Set("x/z/w", "2");
        b.Main.Set("own", "mine");

        b.Main.SetTree("imported", a.Main.Tree);
        b.Main.SetTree("leaf", a.Main.Tree.Find("x/y")!);

        Assert.Equal("1", b.Main.Get("imported/x/y"));
        Assert.Equal("2", b.Main.Get("imported/x/z/w"));
        Assert.Equal("1", b.Main.Get("leaf"));
        Assert.Equal("mine", b.Main.Get("own"));
        AssertClosed(b);
    }

    [Fact]
    public void SetTree_EditedTreeOfAnotherRepository_CopiesItsBase()
    {
        using var a = Strings();
        using var b = Strings();
        a.Main.Set("x/y", "1");
        a.Main.Set("x/z/w", "2");
        var edited = a.Main.Tree.Add("x/new", B("3")).Remove("x/y");

        b.Main.SetTree("imported", edited);

        Assert.Equal("3", b.Main.Get("imported/x/new"));
        Assert.Equal("2", b.Main.Get("imported/x/z/w"));
        Assert.False(b.Main.Contains("imported/x/y"));
        AssertClosed(b);
    }

    [Fact]
    public void HashWith_EditedTreeOfAnotherRepository_ReadsItsBaseWhereItLives()
    {
        using var a = Strings();
        using var b = Strings();
        a.Main.Set("x/y", "1");
        a.Main.Set("only-a", "2");
        var edited = a.Main.Tree.Add("x/new", B("3"));
        var expected = Tree.Empty.Add("x/y", B("1")).Add("only-a", B("2")).Add("x/new", B("3")).Hash;

        Assert.Equal(expected, edited.HashWith(b.Objects));
        Assert.False(b.Objects.Contains(expected));
    }

    [Fact]
    public void SetTree_TargetHoldsASubtree_ReadsOnlyWhatItLacks()
    {
        var sourceObjects = new CollectingObjectStore();
        using var a = Strings(sourceObjects);
        using var b = Strings();
        for (var i = 0; i < 100; i++)
        {
            var tx = i;
            a.Main.Transact(t => t.Set($"big/k{tx}", $"v{tx}"));
            b.Main.Transact(t => t.Set($"big/k{tx}", $"v{tx}"));
        }

        a.Main.Set("small", "s");
        Assert.Equal(a.Main.GetTree("big").Hash, b.Main.GetTree("big").Hash);
        var readsBefore = sourceObjects.Reads;

        b.Main.SetTree("imported", a.Main.Tree);

        // The root and "small": the shared directory and its 100 values are not read.
        Assert.InRange(sourceObjects.Reads - readsBefore, 1, 4);
        Assert.Equal("s", b.Main.Get("imported/small"));
        Assert.Equal("v42", b.Main.Get("imported/big/k42"));
        AssertClosed(b);
    }

    [Fact]
    public void SetTree_StoredTreeCollectedFromItsOwnStore_ThrowsObjectNotFound()
    {
        var objects = new CollectingObjectStore();
        using var repo = Strings(objects);
        var main = repo.Main;
        main.Set("keep", "k");
        var unnamed = repo.Commit(Tree.Empty.Add("a/b", B("1")), [], repo.Info("not on a branch"));
        var node = repo.TreeOf(unnamed).Find("a")!;
        var contents = repo.TreeOf(unnamed).Find("a/b")!;
        objects.CollectAllBut(repo.Objects, [main.HeadHash!.Value]);
        var head = main.HeadHash;

        var e = Assert.Throws<ObjectNotFoundException>(() => main.SetTree("copy", contents));
        Assert.Contains("does not hold", e.Message, StringComparison.Ordinal);
        Assert.Equal(contents.Hash, e.Hash);
        e = Assert.Throws<ObjectNotFoundException>(() => main.SetTree("copy", node));
        Assert.Equal(node.Hash, e.Hash);
        Assert.Equal(head, main.HeadHash);
    }

    [Fact]
    public void Commit_EditedTreeWhoseBaseWasCollected_ThrowsObjectNotFound()
    {
        var objects = new CollectingObjectStore();
        using var repo = Strings(objects);
        repo.Main.Set("keep", "k");
        var unnamed = repo.Commit(Tree.Empty.Add("a/b", B("1")).Add("c", B("2")), [], repo.Info("not on a branch"));
        var edited = repo.TreeOf(unnamed).Add("z", B("3"));
        objects.CollectAllBut(repo.Objects, [repo.Main.HeadHash!.Value]);

        var e = Assert.Throws<ObjectNotFoundException>(() => repo.Commit(edited, [], repo.Info("on a collected base")));

        Assert.Contains("does not hold", e.Message, StringComparison.Ordinal);
        Assert.Equal(unnamed.Root, e.Hash);
    }
}
