using System.Collections.Immutable;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class SetContentsTests
{
    private static readonly SetContents<string> Sets = new(StringContents.Instance, StringComparer.Ordinal);
    private static readonly IEqualityComparer<ImmutableSortedSet<string>> Same =
        EqualityComparer<ImmutableSortedSet<string>>.Create((a, b) => a!.SetEquals(b!), s => s.Count);

    private static ImmutableSortedSet<string> SetOf(int[]? items) =>
        (items ?? []).Select(i => "e" + ((i & 0x7fffffff) % 10)).ToImmutableSortedSet(StringComparer.Ordinal);

    private static Option<ImmutableSortedSet<string>> Maybe(int[]? items) =>
        items is null ? Option<ImmutableSortedSet<string>>.None : Option<ImmutableSortedSet<string>>.Some(SetOf(items));

    [Property]
    public bool Set_UnchangedSideLaws_WithAbsentSets(int[]? o, int[]? x) =>
        Codec.UnchangedSideLaws(Sets, Maybe(o), Maybe(x), Same)
        && Codec.Yields(Codec.Merge(Sets, Maybe(o), Maybe(x), Maybe(x)), Maybe(x), Same);

    [Property]
    public bool Set_Commutes_WithAbsentSets(int[]? o, int[]? a, int[]? b) => Codec.Commutes(Sets, Maybe(o), Maybe(a), Maybe(b), Same);

    [Property]
    public bool Set_PresentSides_MatchTheAddRemoveModel(int[]? o, int[] a, int[] b)
    {
        var (so, sa, sb) = (SetOf(o), SetOf(a), SetOf(b));
        var model = sa.Except(so).Union(sb.Except(so)).Union(so.Where(e => sa.Contains(e) && sb.Contains(e)));
        var r = Codec.Merge(Sets, Maybe(o), Option<ImmutableSortedSet<string>>.Some(sa), Option<ImmutableSortedSet<string>>.Some(sb));
        return r.IsOk && r.Value.Value.SetEquals(model);
    }

    [Fact]
    public void Set_RemovedWholeAgainstAdditions_KeepsOnlyTheAdditions()
    {
        var o = SetOf([1, 2]);
        var r = Codec.Merge(Sets, Option<ImmutableSortedSet<string>>.Some(o), Option<ImmutableSortedSet<string>>.None, Option<ImmutableSortedSet<string>>.Some(o.Add("new")));
        Assert.Equal(["new"], r.Value.Value);
    }

    [Property]
    public bool Set_RoundTripsCanonically(string[] items)
    {
        var set = (items ?? []).Where(s => s is not null && !s.Any(char.IsSurrogate)).ToImmutableSortedSet(StringComparer.Ordinal);
        return Codec.RoundTrips(Sets, set, Same);
    }

    [Fact]
    public void Set_Encoding_SortsByElementBytes()
    {
        // Ordinal in memory puts "B" before "a"; the encoding sorts by UTF-8 bytes, here the same.
        var set = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase, "b", "A");
        Assert.Equal(new byte[] { 0x92, 0xc4, 0x01, (byte)'A', 0xc4, 0x01, (byte)'b' }, Codec.Encode(Sets, set));
    }

    [Theory]
    [InlineData(new byte[] { 0x92, 0xc4, 0x01, (byte)'b', 0xc4, 0x01, (byte)'a' })] // unsorted
    [InlineData(new byte[] { 0x92, 0xc4, 0x01, (byte)'a', 0xc4, 0x01, (byte)'a' })] // duplicate
    [InlineData(new byte[] { 0x91, 0xc4, 0x01, 0xff })] // invalid element
    [InlineData(new byte[] { 0x91, 0xa1, (byte)'a' })] // str, not bin
    [InlineData(new byte[] { 0xdc, 0x00, 0x00 })] // array16 header for an empty set
    [InlineData(new byte[] { 0x90, 0x00 })] // trailing byte
    public void Set_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Sets.TryDecode(bytes, out _));

    [Fact]
    public void Set_ElementsEqualUnderTheOrder_AreRejected()
    {
        var caseless = new SetContents<string>(StringContents.Instance, StringComparer.OrdinalIgnoreCase);
        Assert.False(caseless.TryDecode([0x92, 0xc4, 0x01, (byte)'A', 0xc4, 0x01, (byte)'a'], out _));
    }

    [Property(MaxTest = 1000)]
    public bool Set_DamagedEncoding_IsRejectedOrCanonical(int[] items, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Sets, Codec.Damage(Codec.Encode(Sets, SetOf(items)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Set_RandomArrays_AreRejectedOrCanonical(byte[] tail) =>
        Codec.RejectsOrReproduces(Sets, [0x92, .. tail ?? []]);
}
