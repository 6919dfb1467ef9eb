using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class LinesContentsTests
{
    private static readonly LinesContents Lines = LinesContents.Instance;

    // Small alphabets so that generated texts share lines and the diffs are interesting.
    private static string TextOf(int[]? lines) =>
        string.Concat((lines ?? []).Select(i => "l" + ((i & 0x7fffffff) % 4) + "\n"));

    private static Option<string> Maybe(int[]? lines) => lines is null ? Option<string>.None : Option<string>.Some(TextOf(lines));

    private static string Merged(string o, string a, string b) => Codec.Merge3(Lines, o, a, b).Value.Value;

    [Property]
    public bool Lines_UnchangedSideLaws_WithAbsentTexts(int[]? o, int[]? x) =>
        Codec.UnchangedSideLaws(Lines, Maybe(o), Maybe(x), StringComparer.Ordinal)
        && Codec.Yields(Codec.Merge(Lines, Maybe(o), Maybe(x), Maybe(x)), Maybe(x), StringComparer.Ordinal);

    [Property]
    public bool Lines_Commutes(int[]? o, int[] a, int[] b) => Codec.Commutes(Lines, Maybe(o), Maybe(a), Maybe(b), StringComparer.Ordinal);

    [Property]
    public bool Lines_EditsFarApart_BothApply(int[] head, int[] tail, int[] newHead, int[] newTail)
    {
        // A fixed middle keeps the two edited regions apart.
        const string middle = "m1\nm2\n";
        var o = TextOf(head) + middle + TextOf(tail);
        var a = TextOf(newHead) + middle + TextOf(tail);
        var b = TextOf(head) + middle + TextOf(newTail);
        var r = Codec.Merge3(Lines, o, a, b);
        return r.IsOk && r.Value.Value == TextOf(newHead) + middle + TextOf(newTail);
    }

    [Fact]
    public void Lines_NonOverlappingEdits_Merge()
    {
        const string o = "one\ntwo\nthree\nfour\nfive\n";
        Assert.Equal("ONE\ntwo\nthree\nfour\nFIVE\n", Merged(o, "ONE\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfour\nFIVE\n"));
        Assert.Equal("zero\none\ntwo\nthree\nfive\nsix\n", Merged(o, "zero\none\ntwo\nthree\nfour\nfive\n", "one\ntwo\nthree\nfive\nsix\n"));
    }

    [Fact]
    public void Lines_SameEditOnBothSides_MergesOnce() =>
        Assert.Equal("a\nX\nc\n", Merged("a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n"));

    [Fact]
    public void Lines_OverlappingDifferentEdits_ConflictPerRegion()
    {
        const string o = "1\n2\n3\n4\n5\n6\n7\n";
        var r = Codec.Merge3(Lines, o, "1\nA\n3\n4\n5\nC\n7\n", "1\nB\n3\n4\n5\nD\n7\n");
        Assert.Equal(2, r.Conflicts.Length);
        var first = r.Conflicts[0];
        Assert.Equal(("2\n", "A\n", "B\n"), (first.Base, first.Ours, first.Theirs));
        Assert.Contains("lines 2-2", first.Reason, StringComparison.Ordinal);
        Assert.Contains("lines 6-6", r.Conflicts[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_InsertionsAtTheSamePlace_Conflict() =>
        Assert.Contains("before line 2", Assert.Single(Codec.Merge3(Lines, "a\nb\n", "a\nx\nb\n", "a\ny\nb\n").Conflicts).Reason, StringComparison.Ordinal);

    [Fact]
    public void Lines_AdjacentEdits_Conflict() =>
        Assert.False(Codec.Merge3(Lines, "a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n").IsOk);

    [Fact]
    public void Lines_LastLineWithoutNewline_IsALine() =>
        Assert.Equal("A\nb\nc!", Merged("a\nb\nc", "A\nb\nc", "a\nb\nc!"));

    [Fact]
    public void Lines_AbsentAncestor_EqualTextsMerge_DifferentConflict()
    {
        Assert.Equal("x\n", Codec.Merge(Lines, Option<string>.None, Option<string>.Some("x\n"), Option<string>.Some("x\n")).Value.Value);
        Assert.False(Codec.Merge(Lines, Option<string>.None, Option<string>.Some("x\n"), Option<string>.Some("y\n")).IsOk);
    }

    [Fact]
    public void Lines_LongFiles_MergeDistantEdits()
    {
        var o = Enumerable.Range(0, 20000).Select(i => $"line {i}\n").ToArray();
        var a = (string[])o.Clone();
        var b = (string[])o.Clone();
        a[10] = "ours\n";
        b[19990] = "theirs\n";
        var r = Merged(string.Concat(o), string.Concat(a), string.Concat(b));
        var expected = (string[])a.Clone();
        expected[19990] = "theirs\n";
        Assert.Equal(string.Concat(expected), r);
    }

    [Fact]
    public void Lines_ManyScatteredEdits_StillMergeWhenDisjoint()
    {
        var o = Enumerable.Range(0, 3000).Select(i => $"line {i}\n").ToArray();
        var a = (string[])o.Clone();
        var b = (string[])o.Clone();
        for (var i = 0; i < o.Length; i += 10)
        {
            a[i] = $"ours {i}\n";
            b[i + 5] = $"theirs {i}\n";
        }

        var expected = (string[])a.Clone();
        for (var i = 0; i < o.Length; i += 10)
        {
            expected[i + 5] = $"theirs {i}\n";
        }

        Assert.Equal(string.Concat(expected), Merged(string.Concat(o), string.Concat(a), string.Concat(b)));
    }

    [Theory]
    [InlineData(new[] { 2 })]
    [InlineData(new[] { 2, 3, 2998, 5992, 5997 })]
    public void Lines_DenseEditsOnOneSide_MergeWithEditsBetweenThem(int[] theirLines)
    {
        // Ours edits every fifth line of 6,000 (2,400 edits); theirs edits lines neither edited nor
        // next to an edited line (next to one would conflict, as in git merge-file).
        var o = Enumerable.Range(0, 6000).Select(i => $"line {i}\n").ToArray();
        var a = (string[])o.Clone();
        var b = (string[])o.Clone();
        for (var i = 0; i < o.Length; i += 5)
        {
            a[i] = $"ours {i}\n";
        }

        foreach (var i in theirLines)
        {
            b[i] = $"theirs {i}\n";
        }

        var expected = (string[])a.Clone();
        foreach (var i in theirLines)
        {
            expected[i] = b[i];
        }

        var r = Codec.Merge3(Lines, string.Concat(o), string.Concat(a), string.Concat(b));
        Assert.Empty(r.Conflicts);
        Assert.Equal(string.Concat(expected), r.Value.Value);
    }

    [Property]
    public bool Lines_RoundTrip(string value) => value is null || value.Any(char.IsSurrogate) || Codec.RoundTrips(Lines, value);

    [Fact]
    public void Lines_Format_CountsLines() => Assert.Equal("3 lines", Lines.Format("a\nb\nc"));
}
