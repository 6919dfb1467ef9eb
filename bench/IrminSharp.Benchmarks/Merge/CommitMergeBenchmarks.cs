using BenchmarkDotNet.Attributes;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Benchmarks.Merge;

/// <summary>Three-way merge of two branches of 50 changes each over 10,000 entries.</summary>
[MemoryDiagnoser]
public class CommitMergeBenchmarks
{
    private Repository<string> repo = null!;
    private Hash left;
    private Hash right;
    private CommitInfo info = null!;

    [GlobalSetup]
    public void Setup()
    {
        repo = MemoryRepository.Create(StringContents.Instance);
        var tree = Store.Tree.Empty;
        for (var i = 0; i < 10_000; i++)
        {
            tree = tree.Add("files/e" + i, repo.Encode("v" + i));
        }

        var root = repo.Commit(tree, [], repo.Info("base"));
        repo.CreateBranch("a", root.Hash);
        repo.CreateBranch("b", root.Hash);
        for (var i = 0; i < 50; i++)
        {
            repo.Branch("a").Set("files/e" + i, "a" + i);
            repo.Branch("b").Set("files/e" + (5000 + i), "b" + i);
        }

        left = repo.Branch("a").HeadHash!.Value;
        right = repo.Branch("b").HeadHash!.Value;
        info = repo.Info("merge");
    }

    [GlobalCleanup]
    public void Cleanup() => repo.Dispose();

    [Benchmark]
    public bool MergeCommits() => repo.MergeCommits(left, right, info).IsOk;
}
