using System.Collections.Immutable;
using System.Text;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class ListContentsTests
{
    private static readonly ListContents<string> Lists = new(StringContents.Instance);
    private static readonly IEqualityComparer<ImmutableList<string>> Same =
        EqualityComparer<ImmutableList<string>>.Create((a, b) => a!.SequenceEqual(b!), l => l.Count);

    private static ImmutableList<string> ListOf(int[]? items) => [.. (items ?? []).Select(i => "e" + ((i & 0x7fffffff) % 5))];

    private static Option<ImmutableList<string>> Some(ImmutableList<string> list) => Option<ImmutableList<string>>.Some(list);

    private static Option<ImmutableList<string>> Maybe(int[]? items) => items is null ? Option<ImmutableList<string>>.None : Some(ListOf(items));

    private static ImmutableList<string> Merged(ImmutableList<string> o, ImmutableList<string> a, ImmutableList<string> b)
    {
        var r = Codec.Merge3(Lists, o, a, b);
        Assert.True(r.IsOk, string.Join("; ", r.Conflicts));
        return r.Value.Value;
    }

    // The list edited: each (at, kind, value) replaces, deletes or inserts one element.
    private static ImmutableList<string> Edited(ImmutableList<string> list, (int At, int Kind, int Value)[]? edits, string tag)
    {
        foreach (var (at, kind, value) in edits ?? [])
        {
            var i = (at & 0x7fffffff) % (list.Count + 1);
            var item = tag + ((value & 0x7fffffff) % 3);
            list = (kind & 3) switch
            {
                0 when i < list.Count => list.SetItem(i, item),
                1 when i < list.Count => list.RemoveAt(i),
                _ => list.Insert(i, item),
            };
        }

        return list;
    }

    // Runs of strings compared as the merge does: by UTF-8 encodings (here the strings' bytes),
    // element by element, then the shorter first.
    private static int Compare(List<string> x, List<string> y)
    {
        for (var i = 0; i < x.Count && i < y.Count; i++)
        {
            var c = Encoding.UTF8.GetBytes(x[i]).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y[i]));
            if (c != 0)
            {
                return c;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    [Fact]
    public void List_Name_IsListOfTheElementType() => Assert.Equal("list-string", Lists.Name);

    [Property]
    public bool List_UnchangedSideLaws_WithAbsentLists(int[]? o, int[]? x) =>
        Codec.UnchangedSideLaws(Lists, Maybe(o), Maybe(x), Same)
        && Codec.Yields(Codec.Merge(Lists, Maybe(o), Maybe(x), Maybe(x)), Maybe(x), Same);

    [Property]
    public bool List_Commutes_WithAbsentLists(int[]? o, int[]? a, int[]? b) => Codec.Commutes(Lists, Maybe(o), Maybe(a), Maybe(b), Same);

    [Property(MaxTest = 500)]
    public bool List_Commutes_OnEdits(int[] o, (int, int, int)[] mine, (int, int, int)[] other)
    {
        // Edits of one base merge cleanly far more often than unrelated lists.
        var list = ListOf(o);
        return Codec.Commutes(Lists, Some(list), Some(Edited(list, mine, "a")), Some(Edited(list, other, "b")), Same);
    }

    [Property(MaxTest = 500)]
    public bool List_ConcurrentAppends_BothKept_SmallerRunFirst(int[]? o, int[] a, int[] b)
    {
        var prefix = ListOf(o);
        var (sa, sb) = (ListOf(a).Select(e => "x" + e).ToList(), ListOf(b).Select(e => "y" + e[1..]).ToList());
        var ab = Codec.Merge3(Lists, prefix, prefix.AddRange(sa), prefix.AddRange(sb));
        var ba = Codec.Merge3(Lists, prefix, prefix.AddRange(sb), prefix.AddRange(sa));
        var (first, second) = Compare(sa, sb) <= 0 ? (sa, sb) : (sb, sa);
        var expected = sa.SequenceEqual(sb) ? prefix.AddRange(sa) : prefix.AddRange(first).AddRange(second);
        return ab.IsOk && ba.IsOk && ab.Value.Value.SequenceEqual(expected) && ba.Value.Value.SequenceEqual(expected);
    }

    [Fact]
    public void List_ConcurrentAppends_SmallerEncodingFirst_EitherWay()
    {
        var o = ImmutableList.Create("start");
        var expected = new[] { "start", "alpha", "omega", "zeta" };
        Assert.Equal(expected, Merged(o, o.Add("zeta"), o.Add("alpha").Add("omega")));
        Assert.Equal(expected, Merged(o, o.Add("alpha").Add("omega"), o.Add("zeta")));

        // A run before any longer run it begins.
        Assert.Equal(["start", "m", "m", "n"], Merged(o, o.Add("m").Add("n"), o.Add("m")));
    }

    [Fact]
    public void List_InsertionsAtTheSameInnerPlace_BothKept() =>
        Assert.Equal(["a", "x", "y", "b"], Merged(["a", "b"], ["a", "y", "b"], ["a", "x", "b"]));

    [Fact]
    public void List_AbsentAncestor_CountsAsEmpty()
    {
        var r = Codec.Merge(Lists, Option<ImmutableList<string>>.None, Some(["b"]), Some(["a"]));
        Assert.Equal(["a", "b"], r.Value.Value);
    }

    [Property(MaxTest = 500)]
    public bool List_DeletesAndInsertsFarApart_BothApply(int[] head, int[] tail, int deleteAt, int insertAt, int[] inserted)
    {
        // A middle of elements found nowhere else keeps the two edits apart.
        var (h, t) = (ListOf(head), ListOf(tail));
        var o = h.Add("middle 1").Add("middle 2").AddRange(t);
        var newHead = h.IsEmpty ? h : h.RemoveAt((deleteAt & 0x7fffffff) % h.Count);
        var newTail = t.InsertRange((insertAt & 0x7fffffff) % (t.Count + 1), ListOf(inserted));
        var a = newHead.Add("middle 1").Add("middle 2").AddRange(t);
        var b = h.Add("middle 1").Add("middle 2").AddRange(newTail);
        var r = Codec.Merge3(Lists, o, a, b);
        return r.IsOk && r.Value.Value.SequenceEqual(newHead.Add("middle 1").Add("middle 2").AddRange(newTail));
    }

    [Fact]
    public void List_ScatteredEditsOfALongList_Merge()
    {
        var o = Enumerable.Range(0, 5000).Select(i => $"item {i}").ToImmutableList();
        var a = o.Select((e, i) => i % 4 == 0 ? "ours " + e : e).ToImmutableList();
        var b = o.RemoveAt(4998).RemoveAt(2002).Insert(1002, "theirs");
        var expected = a.RemoveAt(4998).RemoveAt(2002).Insert(1002, "theirs");
        Assert.Equal(expected, Merged(o, a, b));
    }

    [Fact]
    public void List_SameEditOnBothSides_MergesOnce() =>
        Assert.Equal(["a", "X", "c"], Merged(["a", "b", "c"], ["a", "X", "c"], ["a", "X", "c"]));

    [Fact]
    public void List_OverlappingDifferentChanges_Conflict()
    {
        ImmutableList<string> o = ["a", "b", "c", "d", "e", "f", "g"];
        var r = Codec.Merge3(Lists, o, ["a", "b", "X", "e", "f", "g"], ["a", "b", "c", "Y", "g"]);
        var conflict = Assert.Single(r.Conflicts);
        Assert.Equal("both sides changed elements 3-6 differently", conflict.Reason);
        Assert.Equal(("[c, d, e, f]", "[X, e, f]", "[c, Y]"), (conflict.Base, conflict.Ours, conflict.Theirs));
    }

    [Fact]
    public void List_DeleteAgainstChange_Conflicts() =>
        Assert.Contains(
            "elements 2-2",
            Assert.Single(Codec.Merge3(Lists, ["a", "b", "c"], ["a", "c"], ["a", "B", "c"]).Conflicts).Reason,
            StringComparison.Ordinal);

    [Fact]
    public void List_RemovedAgainstChanged_Conflicts_RemovedAgainstUnchanged_IsRemoved()
    {
        var o = Some(["a"]);
        Assert.False(Codec.Merge(Lists, o, Option<ImmutableList<string>>.None, Some(["a", "b"])).IsOk);
        Assert.False(Codec.Merge(Lists, o, Option<ImmutableList<string>>.None, o).Value.HasValue);
    }

    [Property]
    public bool List_RoundTripsCanonically(int[] items) => Codec.RoundTrips(Lists, ListOf(items), Same);

    [Fact]
    public void List_Encoding_IsTheElementsAsBinInOrder() =>
        Assert.Equal(new byte[] { 0x92, 0xc4, 0x01, (byte)'b', 0xc4, 0x01, (byte)'a' }, Codec.Encode(Lists, ["b", "a"]));

    [Theory]
    [InlineData(new byte[] { 0x91, 0xa1, (byte)'a' })] // element as str, not bin
    [InlineData(new byte[] { 0x81, 0xc4, 0x01, (byte)'a', 0xc4, 0x01, (byte)'b' })] // a map
    [InlineData(new byte[] { 0xc0 })] // nil
    [InlineData(new byte[] { 0x91, 0xc0 })] // nil element
    [InlineData(new byte[] { 0x91, 0xc4, 0x01, 0xff })] // invalid element
    [InlineData(new byte[] { 0xdc, 0x00, 0x01, 0xc4, 0x01, (byte)'a' })] // array16 for one element
    [InlineData(new byte[] { 0x91, 0xc5, 0x00, 0x01, (byte)'a' })] // bin16 for a short element
    [InlineData(new byte[] { 0x92, 0xc4, 0x01, (byte)'a' })] // cut short
    [InlineData(new byte[] { 0x90, 0x00 })] // trailing byte
    [InlineData(new byte[] { 0x91, 0xc4, 0x01, (byte)'a', 0xc4 })] // trailing bytes
    [InlineData(new byte[] { })] // nothing
    public void List_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Lists.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool List_DamagedEncoding_IsRejectedOrCanonical(int[] items, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Lists, Codec.Damage(Codec.Encode(Lists, ListOf(items)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool List_RandomArrays_AreRejectedOrCanonical(byte[] tail) => Codec.RejectsOrReproduces(Lists, [0x92, .. tail ?? []]);

    [Fact]
    public void List_Format_ShowsTheFirstElements()
    {
        Assert.Equal("[a, b]", Lists.Format(["a", "b"]));
        Assert.Equal("[0, 1, 2, 3, 4, 5, 6, 7, …]", Lists.Format([.. Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
    }
}
