using BenchmarkDotNet.Attributes;
using IrminSharp.Store;

namespace IrminSharp.Benchmarks.Hashing;

/// <summary>Hashing, hex parsing and formatting: ComputeBlake3, TryParse and TryFormat allocate nothing.</summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private readonly byte[] small = new byte[100];
    private readonly byte[] page = new byte[4096];
    private readonly char[] hex = new char[64];
    private Hash hash;
    private string text = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(small);
        new Random(2).NextBytes(page);
        hash = Hash.ComputeBlake3(small);
        text = hash.ToString();
    }

    [Benchmark]
    public Hash Blake3Of100Bytes() => Hash.ComputeBlake3(small);

    [Benchmark]
    public Hash Blake3Of4KiB() => Hash.ComputeBlake3(page);

    [Benchmark]
    public bool TryFormat() => hash.TryFormat(hex, out _);

    [Benchmark]
    public bool TryParse() => Hash.TryParse(text.AsSpan(), out _);

    [Benchmark(Description = "ToString (allocates the 64-char string)")]
    public string ToHexString() => hash.ToString();

    [Benchmark]
    public bool FromBytesAndEquals() => hash.Equals(Hash.FromBytes(small.AsSpan(0, 32)));
}
