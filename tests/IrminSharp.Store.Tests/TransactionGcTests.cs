using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

/// <summary>Transactions and merges racing a garbage collection of the objects they just wrote.</summary>
public sealed class TransactionGcTests
{
    /// <summary>Removes every object no ref reaches, as a concurrent gc would.</summary>
    private static void Gc<T>(Repository<T> repo, CollectingObjectStore objects) =>
        objects.CollectAllBut(repo.Objects, repo.Refs.List().Select(r => r.Value));

    private static void AssertClosed<T>(Repository<T> repo)
    {
        foreach (var hash in ObjectGraph.Reachable(repo.Objects, repo.Refs.List().Select(r => r.Value)))
        {
            Assert.True(repo.Objects.Store.Contains(hash), $"{hash} is reachable but missing");
        }
    }

    [Fact]
    public void Transact_GcBeforeTheCommitIsWritten_RerunsTheAttempt()
    {
        var objects = new CollectingObjectStore();
        using var repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);
        var main = repo.Main;
        main.Set("a", "1");
        var armed = false;
        objects.AfterAdd = hash =>
        {
            if (armed && objects.TryRead(hash, out var bytes) && repo.Objects.Schema.KindOf(bytes.Span, hash) == ObjectKind.Commit)
            {
                // The transaction's tree and commit are not on any branch yet: a gc removes them.
                armed = false;
                Gc(repo, objects);
            }
        };
        var runs = 0;

        var commit = main.Transact(tx =>
        {
            runs++;
            armed = runs == 1;
            tx.Set("b", "2");
        });

        Assert.Equal(2, runs);
        Assert.Equal(commit!.Hash, main.HeadHash);
        Assert.Equal("2", main.Get("b"));
        Assert.Equal("1", main.Get("a"));
        AssertClosed(repo);
    }

    [Fact]
    public void Transact_GcRemovesTheCommitBeforeTheSwap_RerunsTheAttempt()
    {
        var objects = new CollectingObjectStore();
        var refs = new CheckingRefStore(objects);
        using var repo = Repository<string>.Open(objects, refs, StringContents.Instance);
        var main = repo.Main;
        main.Set("a", "1");
        var armed = false;
        refs.BeforeSwap = () =>
        {
            if (armed)
            {
                armed = false;
                Gc(repo, objects);
            }
        };
        var runs = 0;

        main.Transact(tx =>
        {
            runs++;
            armed = runs == 1;
            tx.Set("b", "2");
        });

        Assert.Equal(2, runs);
        Assert.Equal("2", main.Get("b"));
        AssertClosed(repo);
    }

    [Fact]
    public void Transact_MergeStrategy_GcBeforeTheMergedSwap_RerunsTheAttempt()
    {
        var objects = new CollectingObjectStore();
        var refs = new CheckingRefStore(objects);
        using var repo = Repository<long>.Open(objects, refs, CounterContents.Instance);
        var main = repo.Main;
        var other = repo.Branch("main");
        main.Set("n", 10);
        var swaps = 0;
        refs.BeforeSwap = () =>
        {
            // The first swap is the transaction's (refused: the head moved), the second the merge's.
            if (swaps > 0 && ++swaps == 3)
            {
                Gc(repo, objects);
            }
        };
        var runs = 0;

        main.Transact(
            tx =>
            {
                runs++;
                if (runs == 1)
                {
                    other.Set("n", 15);
                    swaps = 1;
                }

                tx.Set("n", tx.Get("n") + 1);
            },
            new TransactionOptions { Strategy = TransactionStrategy.Merge });

        Assert.Equal(2, runs);
        Assert.Equal(16, main.Get("n"));
        AssertClosed(repo);
    }

    [Fact]
    public void Transact_SetStrategy_GcBeforeTheSecondSwap_RerunsTheAttempt()
    {
        var objects = new CollectingObjectStore();
        var refs = new CheckingRefStore(objects);
        using var repo = Repository<string>.Open(objects, refs, StringContents.Instance);
        var main = repo.Main;
        var other = repo.Branch("main");
        main.Set("a", "1");
        var swaps = 0;
        refs.BeforeSwap = () =>
        {
            if (swaps > 0 && ++swaps == 3)
            {
                Gc(repo, objects);
            }
        };
        var runs = 0;

        main.Transact(
            tx =>
            {
                runs++;
                if (runs == 1)
                {
                    other.Set("y", "theirs");
                    swaps = 1;
                }

                tx.Set("x", "mine");
            },
            new TransactionOptions { Strategy = TransactionStrategy.Set });

        Assert.Equal(2, runs);
        Assert.Equal("mine", main.Get("x"));
        Assert.Equal("theirs", main.Get("y"));
        AssertClosed(repo);
    }

    [Fact]
    public void TestAndSet_GcRemovesTheCommitBeforeTheSwap_Retries()
    {
        var objects = new CollectingObjectStore();
        var refs = new CheckingRefStore(objects);
        using var repo = Repository<string>.Open(objects, refs, StringContents.Instance);
        var main = repo.Main;
        main.Set("a", "1");
        var armed = true;
        var swaps = 0;
        refs.BeforeSwap = () =>
        {
            swaps++;
            if (armed)
            {
                armed = false;
                Gc(repo, objects);
            }
        };

        Assert.True(main.TestAndSet("a", Option<string>.Some("1"), Option<string>.Some("2")));

        Assert.Equal("2", main.Get("a"));
        Assert.True(swaps >= 2, $"{swaps} swap: the gc did not make the first one fail, so nothing was retried");
        AssertClosed(repo);
    }

    [Fact]
    public void TryMerge_GcRemovesTheMergeCommitBeforeTheSwap_Retries()
    {
        var objects = new CollectingObjectStore();
        var refs = new CheckingRefStore(objects);
        using var repo = Repository<string>.Open(objects, refs, StringContents.Instance);
        var main = repo.Main;
        var start = main.Set("a", "1");
        repo.CreateBranch("dev", start.Hash);
        var dev = repo.Branch("dev").Set("b", "2");
        main.Set("c", "3");
        var armed = true;
        var swaps = 0;
        refs.BeforeSwap = () =>
        {
            swaps++;
            if (armed)
            {
                armed = false;
                Gc(repo, objects);
            }
        };

        var result = main.TryMerge(dev.Hash, "merge dev");

        Assert.True(result.TryGetValue(out var merged));
        Assert.Equal(merged.Hash, main.HeadHash);
        Assert.Equal("2", main.Get("b"));
        Assert.Equal("3", main.Get("c"));
        Assert.True(swaps >= 2, $"{swaps} swap: the gc did not make the first one fail, so nothing was retried");
        AssertClosed(repo);
    }
}
