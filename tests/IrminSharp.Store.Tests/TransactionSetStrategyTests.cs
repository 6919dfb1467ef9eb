using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class TransactionSetStrategyTests
{
    private static readonly TransactionOptions SetOptions = new() { Strategy = TransactionStrategy.Set, Message = "set strategy" };

    private static Repository<string> Strings() => MemoryRepository.Create(StringContents.Instance);

    [Fact]
    public void Transact_SetStrategy_ConcurrentWriteElsewhere_KeepsBothWritesAndCommits()
    {
        using var repo = Strings();
        var main = repo.Main;
        var other = repo.Branch("main");
        var start = main.Set("base", "0");
        Commit? concurrent = null;
        var runs = 0;

        var commit = main.Transact(
            tx =>
            {
                runs++;
                tx.Set("x", "mine");
                tx.Remove("base");
                concurrent ??= other.Set("y", "theirs");
            },
            SetOptions)!;

        Assert.Equal(1, runs);
        Assert.Equal(commit.Hash, main.HeadHash);
        Assert.Equal("mine", main.Get("x"));
        Assert.Equal("theirs", main.Get("y"));
        Assert.False(main.Contains("base"));
        Assert.Equal(concurrent!.Hash, Assert.Single(commit.Parents));
        Assert.Equal([commit.Hash, concurrent.Hash, start.Hash], main.Log().Select(c => c.Hash));
    }

    [Fact]
    public void Transact_SetStrategy_ConcurrentWriteSamePath_TransactionWins()
    {
        using var repo = Strings();
        var main = repo.Main;
        var other = repo.Branch("main");
        main.Set("x", "0");
        Commit? concurrent = null;

        var commit = main.Transact(
            tx =>
            {
                tx.Set("x", "mine");
                concurrent ??= other.Transact(o =>
                {
                    o.Set("x", "theirs");
                    o.Set("z", "theirs too");
                });
            },
            SetOptions)!;

        Assert.Equal("mine", main.Get("x"));
        Assert.Equal("theirs too", main.Get("z"));
        Assert.Contains(concurrent!.Hash, main.Log().Select(c => c.Hash));
        Assert.Equal(concurrent.Hash, Assert.Single(commit.Parents));
    }

    [Fact]
    public void Transact_SetStrategy_ContentsReplacedByDirectory_AppliesTheTransactionsShape()
    {
        using var repo = Strings();
        var main = repo.Main;
        var other = repo.Branch("main");
        main.Set("a", "file");
        var moved = false;

        main.Transact(
            tx =>
            {
                tx.Set("a/inner", "now a directory");
                if (!moved)
                {
                    moved = true;
                    other.Set("b", "elsewhere");
                }
            },
            SetOptions);

        Assert.Equal("now a directory", main.Get("a/inner"));
        Assert.Equal("elsewhere", main.Get("b"));
        Assert.Equal(EntryKind.Node, main.Kind("a"));
    }
}
