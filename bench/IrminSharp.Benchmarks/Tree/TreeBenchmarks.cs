using System.Text;
using BenchmarkDotNet.Attributes;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;

namespace IrminSharp.Benchmarks.Tree;

/// <summary>Edits and lookups in large stored directories.</summary>
[MemoryDiagnoser]
public class TreeBenchmarks
{
    private Repository<string> repo = null!;
    private Store.Tree tenThousand = null!;
    private Store.Tree hundredThousand = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        repo = MemoryRepository.Create(IrminSharp.Merge.StringContents.Instance);
        tenThousand = Build(10_000);
        hundredThousand = Build(100_000);
    }

    private Store.Tree Build(int entries)
    {
        var tree = Store.Tree.Empty;
        for (var i = 0; i < entries; i++)
        {
            tree = tree.Add("e" + i, Encoding.UTF8.GetBytes("value " + i));
        }

        return repo.TreeOf(repo.WriteTree(tree));
    }

    [GlobalCleanup]
    public void Cleanup() => repo.Dispose();

    [Benchmark(Description = "add one entry to a stored 10,000-entry directory and persist")]
    public Hash AddAndPersist() => repo.WriteTree(tenThousand.Add("e" + (next++ % 10_000), Encoding.UTF8.GetBytes("changed " + next)));

    [Benchmark(Description = "find one entry in a stored 100,000-entry directory")]
    public bool Find() => hundredThousand.TryGetValue("e" + (next++ % 100_000), out _);
}
