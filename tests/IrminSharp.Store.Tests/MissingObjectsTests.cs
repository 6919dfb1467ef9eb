using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class MissingObjectsTests
{
    private static (Repository<string> Repo, MemoryObjectStore Objects) NewRepo()
    {
        var objects = new MemoryObjectStore();
        return (Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance), objects);
    }

    /// <summary>Copies what the sender computes into a store holding only the haves' objects, and checks it is complete.</summary>
    private static void AssertCompletes(Repository<string> sender, Hash want, Hash? have, IReadOnlyList<Hash> missing)
    {
        var receiver = new MemoryObjectStore();
        var db = new ObjectDatabase(receiver, NativeSchema.Instance);
        if (have is { } h)
        {
            foreach (var hash in ObjectGraph.Reachable(sender.Objects, [h]))
            {
                Assert.True(sender.Objects.Store.TryRead(hash, out var bytes));
                receiver.Add(hash, bytes.Span);
            }
        }

        foreach (var hash in missing)
        {
            Assert.True(sender.Objects.Store.TryRead(hash, out var bytes));
            receiver.Add(hash, bytes.Span);
        }

        // Everything the wanted commit reaches is now present and decodes.
        Assert.Equal(ObjectGraph.Reachable(sender.Objects, [want]).Count, ObjectGraph.Reachable(db, [want]).Count);
    }

    [Fact]
    public void OneChange_InALargeDirectory_SendsAFewSmallObjects()
    {
        var (repo, objects) = NewRepo();
        var tree = Enumerable.Range(0, 10_000).Aggregate(Tree.Empty, (t, i) => t.Add($"files/e{i}", repo.Encode("v" + i)));
        var base_ = repo.Commit(tree, [], repo.Info("base"));
        repo.Main.TrySetHead(null, base_.Hash);
        var next = repo.Main.Set("files/e1234", "changed");
        var missing = MissingObjects.Compute(repo.Objects, [next.Hash], [base_.Hash]);
        var bytes = missing.Sum(h => objects.TryRead(h, out var b) ? b.Length : 0);
        Assert.InRange(missing.Count, 2, 8);
        Assert.InRange(bytes, 1, 8 * 1024);
        Assert.Equal(next.Hash, missing[^1]);
        AssertCompletes(repo, next.Hash, base_.Hash, missing);
    }

    [Fact]
    public void NoHaves_SendsEverythingReachable()
    {
        var (repo, _) = NewRepo();
        repo.Main.Set("a/b", "1");
        var head = repo.Main.Set("a/c", "2");
        var missing = MissingObjects.Compute(repo.Objects, [head.Hash], []);
        Assert.Equal(ObjectGraph.Reachable(repo.Objects, [head.Hash]).ToHashSet(), missing.ToHashSet());
        AssertCompletes(repo, head.Hash, null, missing);
    }

    [Fact]
    public void BranchesAndMerges_AreCompleteAgainstAnOldHave()
    {
        var (repo, _) = NewRepo();
        var root = repo.Main.Set("shared", "0");
        repo.CreateBranch("side", root.Hash);
        for (var i = 0; i < 40; i++)
        {
            repo.Main.Set($"m/{i}", "main" + i);
            repo.Branch("side").Set($"s/{i % 7}", "side" + i);
        }

        var merged = repo.Main.Merge(repo.Branch("side"));
        var missing = MissingObjects.Compute(repo.Objects, [merged.Hash], [root.Hash]);
        Assert.DoesNotContain(root.Hash, missing);
        AssertCompletes(repo, merged.Hash, root.Hash, missing);
    }

    [Fact]
    public void WantAlreadyHad_SendsNothing()
    {
        var (repo, _) = NewRepo();
        var head = repo.Main.Set("x", "1");
        Assert.Empty(MissingObjects.Compute(repo.Objects, [head.Hash], [head.Hash]));
    }

    [Fact]
    public void CommitWalk_StopsAtThePeersFrontier_NotAtTheRootOfHistory()
    {
        var objects = new ReadCountingObjectStore();
        var repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);
        for (var i = 0; i < 2_000; i++)
        {
            repo.Main.Set("counter", "v" + i);
        }

        var shared = repo.Main.HeadHash!.Value;
        repo.CreateBranch("side", shared);
        var ours = repo.Main.Set("counter", "ours");
        var theirs = repo.Branch("side").Set("other", "theirs");

        // A fresh database, so no commit is cached: every commit the walk touches is a read.
        var db = new ObjectDatabase(objects, NativeSchema.Instance);
        objects.Reads = 0;
        var missing = MissingObjects.Compute(db, [ours.Hash], [theirs.Hash]);
        Assert.Contains(ours.Hash, missing);
        Assert.DoesNotContain(shared, missing);
        Assert.InRange(objects.Reads, 1, 40); // not ~2,000: shared history below the frontier is not walked
    }

    [Fact]
    public void ADirectoryChangingShape_FromHashTrieToFlat_SendsOnlyWhatChanged()
    {
        var (repo, _) = NewRepo();
        var tree = Tree.Empty;
        for (var d = 0; d < 33; d++)
        {
            for (var f = 0; f < 60; f++)
            {
                tree = tree.Add($"top{d}/sub{f % 6}/f{f}", repo.Encode($"{d}-{f}"));
            }
        }

        var trie = repo.Commit(tree, [], repo.Info("33 directories: a hash trie"));
        var flat = repo.Commit(repo.TreeOf(trie).Remove("top0"), [trie.Hash], repo.Info("32: flat"));
        var back = repo.Commit(repo.TreeOf(flat).Add("top0/x", repo.Encode("x")), [flat.Hash], repo.Info("33 again"));

        // Removing one directory rebuilds the top node only; nothing below it is sent again.
        var removed = MissingObjects.Compute(repo.Objects, [flat.Hash], [trie.Hash]);
        Assert.InRange(removed.Count, 2, 3);
        AssertCompletes(repo, flat.Hash, trie.Hash, removed);
        var added = MissingObjects.Compute(repo.Objects, [back.Hash], [flat.Hash]);
        Assert.InRange(added.Count, 2, 40);
        AssertCompletes(repo, back.Hash, flat.Hash, added);
    }

    /// <summary>A memory store that counts reads.</summary>
    private sealed class ReadCountingObjectStore : IObjectStore
    {
        private readonly MemoryObjectStore inner = new();

        public int Reads { get; set; }

        public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject)
        {
            Reads++;
            return inner.TryRead(hash, out encodedObject);
        }

        public bool Contains(Hash hash) => inner.Contains(hash);

        public bool Add(Hash hash, ReadOnlySpan<byte> encodedObject) => inner.Add(hash, encodedObject);

        public void Flush() => inner.Flush();

        public void Dispose() => inner.Dispose();
    }
}
