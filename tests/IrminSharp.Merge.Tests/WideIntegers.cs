using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Merge.Tests;

/// <summary>
/// FsCheck's longs stay near zero; these reach the whole range: the extremes, values around
/// ±5e18 where sums overflow, and uniformly random 64-bit values.
/// </summary>
public static class WideIntegers
{
    private static readonly long[] Edges = [0, 1, -1, long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1, 5_000_000_000_000_000_000, -5_000_000_000_000_000_000, 4_611_686_018_427_387_904];

    /// <summary>A 64-bit integer anywhere in the range, often at or near an edge.</summary>
    public static Gen<long> Long { get; } = Gen.Frequency(
        (2, Gen.Elements(Edges)),
        (2, Gen.Zip(Gen.Elements(Edges), Gen.Choose(-3, 3)).Select(p => unchecked(p.Item1 + p.Item2))),
        (3, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue)).Select(p => ((long)p.Item1 << 32) ^ (uint)p.Item2)),
        (1, ArbMap.Default.GeneratorFor<int>().Select(i => (long)i)));

    /// <summary>The arbitrary FsCheck picks for <see cref="WideLong"/> parameters.</summary>
    public static Arbitrary<WideLong> WideLong() => Arb.From(Long.Select(v => new WideLong(v)));
}
