using System.Collections.Immutable;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class MultisetContentsTests
{
    private static readonly MultisetContents<string> Bags = new(StringContents.Instance, StringComparer.Ordinal);
    private static readonly EqualityComparer<ImmutableSortedDictionary<string, long>> Same =
        EqualityComparer<ImmutableSortedDictionary<string, long>>.Create((a, b) => a!.Count == b!.Count && a.All(p => b.TryGetValue(p.Key, out var n) && n == p.Value), d => d.Count);

    private static ImmutableSortedDictionary<string, long> BagOf(int[]? items) =>
        (items ?? []).GroupBy(i => "e" + ((i & 0x7fffffff) % 6)).ToImmutableSortedDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    private static Option<ImmutableSortedDictionary<string, long>> Maybe(int[]? items) =>
        items is null ? Option<ImmutableSortedDictionary<string, long>>.None : Option<ImmutableSortedDictionary<string, long>>.Some(BagOf(items));

    [Property]
    public bool Multiset_UnchangedSideLaws_WithAbsentBags(int[]? o, int[]? x) => Codec.UnchangedSideLaws(Bags, Maybe(o), Maybe(x), Same);

    [Property]
    public bool Multiset_Commutes_WithAbsentBags(int[]? o, int[]? a, int[]? b) => Codec.Commutes(Bags, Maybe(o), Maybe(a), Maybe(b), Same);

    [Property]
    public bool Multiset_PresentSides_AddCounts(int[]? o, int[] a, int[] b)
    {
        var (mo, ma, mb) = (BagOf(o), BagOf(a), BagOf(b));
        var model = mo.Keys.Union(ma.Keys).Union(mb.Keys)
            .Select(k => (k, n: ma.GetValueOrDefault(k) + mb.GetValueOrDefault(k) - mo.GetValueOrDefault(k)))
            .Where(p => p.n != 0)
            .ToImmutableSortedDictionary(p => p.k, p => p.n, StringComparer.Ordinal);
        var r = Codec.Merge(Bags, Maybe(o), Option<ImmutableSortedDictionary<string, long>>.Some(ma), Option<ImmutableSortedDictionary<string, long>>.Some(mb));
        return r.IsOk && Same.Equals(r.Value.Value, model);
    }

    [Property]
    public bool Multiset_RoundTripsCanonically(int[] items) => Codec.RoundTrips(Bags, BagOf(items), Same);

    [Fact]
    public void Multiset_Encoding_IsAMapSortedByElementBytes()
    {
        var bag = ImmutableSortedDictionary<string, long>.Empty.Add("b", 1).Add("a", 300);
        Assert.Equal(new byte[] { 0x82, 0xc4, 0x01, (byte)'a', 0xcd, 0x01, 0x2c, 0xc4, 0x01, (byte)'b', 0x01 }, Codec.Encode(Bags, bag));
    }

    [Fact]
    public void Multiset_ZeroCount_CannotBeEncoded() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Codec.Encode(Bags, ImmutableSortedDictionary<string, long>.Empty.Add("a", 0)));

    [Fact]
    public void Multiset_NegativeCount_RoundTrips() =>
        Assert.True(Codec.RoundTrips(Bags, ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal).Add("a", -1), Same));

    [Fact]
    public void Multiset_TwoRemovalsAndAnAdd_SameInEveryOrder()
    {
        // The review's case: base {x:1}; R1 and R2 remove x, R3 adds one. Dropping counts below
        // one after R1+R2 gave {x:1} one way and {} the other.
        var empty = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);
        var o = empty.Add("x", 1);
        var (r1, r2, r3) = (empty, empty, empty.Add("x", 2));
        ImmutableSortedDictionary<string, long> M(ImmutableSortedDictionary<string, long> a, ImmutableSortedDictionary<string, long> b) => Codec.Merge3(Bags, o, a, b).Value.Value;
        var results = new[] { M(M(r1, r2), r3), M(M(r1, r3), r2), M(M(r2, r3), r1) };
        Assert.All(results, r => Assert.Empty(r));
    }

    [Theory]
    [InlineData(new byte[] { 0x81, 0xc4, 0x01, (byte)'a', 0x00 })] // zero count
    [InlineData(new byte[] { 0x81, 0xc4, 0x01, (byte)'a', 0xcc, 0x01 })] // count not in its smallest form
    [InlineData(new byte[] { 0x82, 0xc4, 0x01, (byte)'b', 0x01, 0xc4, 0x01, (byte)'a', 0x01 })] // unsorted
    [InlineData(new byte[] { 0x81, 0xc4, 0x01, (byte)'a', 0xa1, (byte)'x' })] // count not an integer
    public void Multiset_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Bags.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool Multiset_DamagedEncoding_IsRejectedOrCanonical(int[] items, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Bags, Codec.Damage(Codec.Encode(Bags, BagOf(items)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Multiset_RandomMaps_AreRejectedOrCanonical(byte[] tail) => Codec.RejectsOrReproduces(Bags, [0x82, .. tail ?? []]);

    [Fact]
    public void Multiset_Format_ShowsCounts() =>
        Assert.Equal("{a×2, b}", Bags.Format(ImmutableSortedDictionary<string, long>.Empty.Add("a", 2).Add("b", 1)));
}
