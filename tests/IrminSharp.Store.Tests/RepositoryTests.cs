using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Store.Tests;

public sealed class RepositoryTests(ITestOutputHelper output)
{
    private static Repository<string> Strings() => MemoryRepository.Create(StringContents.Instance);

    private static Repository<long> Counters() => MemoryRepository.Create(CounterContents.Instance);

    [Fact]
    public void SetGet_OnMain_ReadsBackAndRecordsHistory()
    {
        using var repo = Strings();
        var main = repo.Main;
        Assert.Null(main.HeadHash);
        var c1 = main.Set("a/b", "one", "first");
        var c2 = main.Set("a/c", "two", "second");
        Assert.Equal("one", main.Get("a/b"));
        Assert.Equal("two", main.Get("a/c"));
        Assert.Equal([c2.Hash, c1.Hash], main.Log().Select(c => c.Hash));
        Assert.Equal(["b", "c"], main.List("a").Select(e => e.Key));
        Assert.Equal(EntryKind.Node, main.Kind("a"));
        Assert.Equal(2, c2.Height);
        Assert.Equal(["main"], repo.Branches());
    }

    [Fact]
    public void Get_Missing_ThrowsPathNotFound()
    {
        using var repo = Strings();
        repo.Main.Set("x", "1");
        var e = Assert.Throws<PathNotFoundException>(() => repo.Main.Get("y"));
        Assert.Contains("/y", e.Message, StringComparison.Ordinal);
        Assert.False(repo.Main.TryGet("x/deeper", out _));
    }

    [Fact]
    public void Remove_LastEntry_PrunesEmptyDirectories()
    {
        using var repo = Strings();
        repo.Main.Set("a/b/c", "1");
        repo.Main.Set("z", "2");
        repo.Main.Remove("a/b/c");
        Assert.False(repo.Main.ContainsTree("a"));
        Assert.Equal(["z"], repo.Main.List(StorePath.Root).Select(e => e.Key));
    }

    [Fact]
    public void TestAndSet_WrongExpectation_WritesNothing()
    {
        using var repo = Strings();
        var main = repo.Main;
        main.Set("k", "v1");
        var head = main.HeadHash;
        Assert.False(main.TestAndSet("k", Option<string>.Some("nope"), Option<string>.Some("v2")));
        Assert.Equal(head, main.HeadHash);
        Assert.True(main.TestAndSet("k", Option<string>.Some("v1"), Option<string>.Some("v2")));
        Assert.Equal("v2", main.Get("k"));
        Assert.True(main.TestAndSet("new", Option<string>.None, Option<string>.Some("n")));
        Assert.False(main.TestAndSet("new", Option<string>.None, Option<string>.Some("again")));
    }

    [Fact]
    public void Transaction_SeesASnapshot_AndCommitsOnce()
    {
        using var repo = Strings();
        var main = repo.Main;
        main.Set("a", "1");
        var commit = main.Transact(tx =>
        {
            Assert.Equal("1", tx.Get("a"));
            tx.Set("b", "2");
            tx.Set("c", "3");
            tx.Remove("a");
        }, new TransactionOptions { Message = "batch" });
        Assert.NotNull(commit);
        Assert.Equal("batch", commit.Info.Message);
        Assert.Equal(2, main.Log().Count());
        Assert.False(main.Contains("a"));
        Assert.Equal("3", main.Get("c"));
    }

    [Fact]
    public void Transaction_NoChange_MakesNoCommit()
    {
        using var repo = Strings();
        var first = repo.Main.Set("a", "1");
        var result = repo.Main.Transact(tx => tx.Set("a", "1"));
        Assert.Equal(first.Hash, result!.Hash);
        Assert.Single(repo.Main.Log());
    }

    [Fact]
    public void Transaction_TestAndSet_RerunsWhenTheHeadMoved()
    {
        using var repo = Strings();
        var main = repo.Main;
        main.Set("n", "0");
        var runs = 0;
        main.Transact(tx =>
        {
            runs++;
            if (runs == 1)
            {
                main.Set("other", "x");
            }

            tx.Set("n", tx.Get("n") + "+");
        });
        Assert.Equal(2, runs);
        Assert.Equal("0+", main.Get("n"));
        Assert.Equal("x", main.Get("other"));
    }

    [Fact]
    public void ConcurrentTransactions_MergeStrategy_LoseNoIncrement()
    {
        using var repo = Counters();
        var main = repo.Main;
        main.Set("hits", 0);
        var options = new TransactionOptions { Strategy = TransactionStrategy.Merge, Message = "inc" };
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 500; i++)
            {
                main.Transact(tx => tx.Set("hits", tx.Get("hits") + 1), options);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(4000, main.Get("hits"));

        // The hard case happened: a transaction found the head moved and was merged in (a merge
        // commit has two parents). Without one, the test proves nothing about the merge strategy.
        var history = main.Log().ToList();
        var merges = history.Count(c => c.Parents.Length == 2);
        output.WriteLine($"{history.Count} commits, {merges} of them merges of a transaction that lost the race");
        Assert.True(merges > 0, "no transaction lost a race to move the head: nothing was merged");
        Assert.Equal(4001, history.Count - merges);
    }

    [Fact]
    public void Merge_Counters_AddBothIncrements()
    {
        using var repo = Counters();
        var main = repo.Main;
        var root = main.Set("c", 10);
        repo.CreateBranch("device", root.Hash);
        var device = repo.Branch("device");
        main.Set("c", 13);
        device.Set("c", 15);
        var merged = main.Merge(device);
        Assert.Equal(18, main.Get("c"));
        Assert.Equal(2, merged.Parents.Length);
    }

    [Fact]
    public void Merge_Ancestor_FastForwards()
    {
        using var repo = Strings();
        var main = repo.Main;
        var root = main.Set("a", "1");
        repo.CreateBranch("feature", root.Hash);
        var tip = repo.Branch("feature").Set("b", "2");
        var merged = main.Merge(repo.Branch("feature"));
        Assert.Equal(tip.Hash, merged.Hash);
        Assert.Equal(tip.Hash, main.HeadHash);
    }

    [Fact]
    public void Merge_Conflicts_ReportsEveryPath_AndMovesNothing()
    {
        using var repo = Strings();
        var main = repo.Main;
        var root = main.Transact(tx =>
        {
            tx.Set("a/x", "0");
            tx.Set("b/y", "0");
            tx.Set("c", "0");
        })!;
        repo.CreateBranch("other", root.Hash);
        var other = repo.Branch("other");
        main.Transact(tx =>
        {
            tx.Set("a/x", "ours");
            tx.Set("b/y", "ours");
            tx.Set("c", "same");
        });
        other.Transact(tx =>
        {
            tx.Set("a/x", "theirs");
            tx.Set("b/y", "theirs");
            tx.Set("c", "same");
            tx.Set("d", "new");
        });
        var head = main.HeadHash;
        var e = Assert.Throws<MergeConflictException>(() => main.Merge(other));
        Assert.Equal(["a/x", "b/y"], e.Conflicts.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.All(e.Conflicts, c =>
        {
            Assert.NotNull(c.Base);
            Assert.NotNull(c.Ours);
            Assert.NotNull(c.Theirs);
        });
        Assert.Equal(head, main.HeadHash);
    }

    [Fact]
    public void Merge_CrissCross_UsesARecursiveVirtualAncestor()
    {
        using var repo = Counters();
        var a = repo.Main;
        var c0 = a.Set("x", 0);
        repo.CreateBranch("b", c0.Hash);
        var b = repo.Branch("b");
        var a1 = a.Set("x", 1);
        var b1 = b.Set("x", 2);
        a.Merge(b1.Hash);
        b.Merge(a1.Hash);
        Assert.Equal(3, a.Get("x"));
        Assert.Equal(3, b.Get("x"));
        a.Set("x", 13);
        b.Set("x", 103);
        var lcas = repo.LowestCommonAncestors(a.HeadHash!.Value, b.HeadHash!.Value);
        Assert.Equal(2, lcas.Count);
        Assert.Contains(a1.Hash, lcas);
        Assert.Contains(b1.Hash, lcas);
        a.Merge(b);
        Assert.Equal(113, a.Get("x"));
    }

    [Fact]
    public void Lca_LinearHistory_IsTheOlderCommit()
    {
        using var repo = Strings();
        var c1 = repo.Main.Set("a", "1");
        var c2 = repo.Main.Set("a", "2");
        Assert.Equal([c1.Hash], repo.LowestCommonAncestors(c1.Hash, c2.Hash));
        Assert.True(repo.IsAncestor(c1.Hash, c2.Hash));
        Assert.False(repo.IsAncestor(c2.Hash, c1.Hash));
    }

    [Fact]
    public void Lca_UnrelatedHistories_IsEmpty_AndMergeUsesNoAncestor()
    {
        using var repo = Strings();
        var left = repo.Main.Set("l", "1");
        var right = repo.Branch("island").Set("r", "2");
        Assert.Empty(repo.LowestCommonAncestors(left.Hash, right.Hash));
        repo.Main.Merge(right.Hash);
        Assert.Equal("1", repo.Main.Get("l"));
        Assert.Equal("2", repo.Main.Get("r"));
    }

    [Fact]
    public void Log_Paging_SkipsAndTakes()
    {
        using var repo = Strings();
        var commits = Enumerable.Range(0, 10).Select(i => repo.Main.Set("k", i.ToString())).ToList();
        var page = repo.Main.Log(skip: 3, take: 4).Select(c => c.Hash).ToList();
        Assert.Equal(commits.AsEnumerable().Reverse().Skip(3).Take(4).Select(c => c.Hash), page);
    }

    [Fact]
    public void LastModified_FindsTheCommitThatChangedThePath()
    {
        using var repo = Strings();
        repo.Main.Set("a", "1");
        var changedB = repo.Main.Set("b", "1");
        repo.Main.Set("a", "2");
        Assert.Equal(changedB.Hash, repo.Main.LastModified("b").Single().Hash);
        Assert.Equal(2, repo.Main.LastModified("a", 5).Count);
    }

    [Fact]
    public void BranchesAndTags_CreateListDelete()
    {
        using var repo = Strings();
        var c = repo.Main.Set("a", "1");
        repo.CreateBranch("dev", c.Hash);
        repo.CreateTag("v1", c.Hash);
        Assert.Equal(["dev", "main"], repo.Branches());
        Assert.Equal(["v1"], repo.Tags());
        Assert.Throws<RefConflictException>(() => repo.CreateBranch("dev", c.Hash));
        Assert.True(repo.DeleteBranch("dev"));
        Assert.False(repo.DeleteBranch("dev"));
        Assert.True(repo.TryResolve("v1", out var tagged));
        Assert.Equal(c.Hash, tagged);
        Assert.Throws<InvalidRefNameException>(() => repo.Branch("bad name"));
        Assert.Throws<InvalidRefNameException>(() => repo.Branch("a/../b"));
    }

    [Fact]
    public void CompareAndSwap_StaleExpectation_Fails()
    {
        using var repo = Strings();
        var c1 = repo.Main.Set("a", "1");
        var c2 = repo.Main.Set("a", "2");
        Assert.False(repo.CompareAndSwapBranch("main", c1.Hash, c1.Hash));
        Assert.Equal(c2.Hash, repo.Main.HeadHash);
        Assert.Throws<ObjectNotFoundException>(() => repo.CompareAndSwapBranch("main", c2.Hash, Hash.ComputeBlake3([1, 2, 3])));
    }

    [Fact]
    public void Detached_CommitsMoveOnlyTheDetachedHead()
    {
        using var repo = Strings();
        var c1 = repo.Main.Set("a", "1");
        var detached = repo.Checkout(c1.Hash);
        var c2 = detached.Set("a", "2");
        Assert.Equal("2", detached.Get("a"));
        Assert.Equal("1", repo.Main.Get("a"));
        Assert.Equal(c2.Hash, detached.HeadHash);
        Assert.Equal(c1.Hash, Assert.Single(c2.Parents));
    }

    [Fact]
    public void UnknownCommit_IsObjectNotFound()
    {
        using var repo = Strings();
        var missing = Hash.ComputeBlake3([9]);
        var e = Assert.Throws<ObjectNotFoundException>(() => repo.Checkout(missing));
        Assert.Equal(missing, e.Hash);
    }

    [Fact]
    public void GarbageObject_IsCorruptData_NotACrash()
    {
        var objects = new MemoryObjectStore();
        using var repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);
        byte[] garbage = [(byte)ObjectKind.Node, 0xc1, 0xff, 0x00];
        var hash = NativeSchema.Instance.ComputeHash(garbage);
        objects.Add(hash, garbage);
        Assert.Throws<CorruptDataException>(() => repo.Objects.ReadNode(hash));
        byte[] commitGarbage = [(byte)ObjectKind.Commit, 0x93, 0x01];
        var commitHash = NativeSchema.Instance.ComputeHash(commitGarbage);
        objects.Add(commitHash, commitGarbage);
        Assert.Throws<CorruptDataException>(() => repo.GetCommit(commitHash));
    }

    [Fact]
    public void UndecodableValue_IsCorruptData()
    {
        using var repo = Counters();
        var tree = Tree.Empty.Add("c", new byte[] { 0xc1 });
        var commit = repo.Commit(tree, [], repo.Info("bad"));
        repo.Main.TrySetHead(null, commit.Hash);
        Assert.Throws<CorruptDataException>(() => repo.Main.Get("c"));
    }

    [Fact]
    public async Task Watch_Branch_SeesEveryMoveInOrder()
    {
        using var repo = Strings();
        var seen = new List<Hash?>();
        var done = new TaskCompletionSource();
        using (repo.Main.Watch(change =>
        {
            lock (seen)
            {
                seen.Add(change.New?.Hash);
                if (seen.Count == 3)
                {
                    done.TrySetResult();
                }
            }
        }))
        {
            var commits = new[] { repo.Main.Set("a", "1"), repo.Main.Set("a", "2"), repo.Main.Set("b", "3") };
            await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(commits.Select(c => (Hash?)c.Hash), seen);
        }
    }

    [Fact]
    public async Task Watch_Path_FiresOnlyForChangesBelowIt()
    {
        using var repo = Strings();
        var changes = new List<string>();
        var done = new TaskCompletionSource();
        using var watch = repo.Main.Watch("watched", list =>
        {
            lock (changes)
            {
                changes.AddRange(list.Select(c => c.Path + ":" + c.Kind));
                if (changes.Count >= 2)
                {
                    done.TrySetResult();
                }
            }
        });
        repo.Main.Set("watched/a", "1");
        repo.Main.Set("elsewhere", "x");
        repo.Main.Set("watched/a", "2");
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["watched/a:added", "watched/a:updated"], changes);
    }
}
