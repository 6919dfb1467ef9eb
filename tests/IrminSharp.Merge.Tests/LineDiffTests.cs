using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class LineDiffTests
{
    private static bool Rebuilds(string a, string b)
    {
        var (x, y) = (LineDiff.SplitLines(a), LineDiff.SplitLines(b));
        var hunks = LineDiff.Diff(x, y);
        return EditScripts.IsValid(x, y, hunks, StringComparer.Ordinal) && EditScripts.Apply(x, y, hunks) == b;
    }

    private static bool Yields(MergeResult<string> result, string expected) => result.IsOk && result.Value == expected;

    [Property(Arbitrary = [typeof(TextGenerators)])]
    public bool SplitLines_JoinBack(LinesText text) => string.Concat(LineDiff.SplitLines(text.Value)) == text.Value;

    [Property(Arbitrary = [typeof(TextGenerators)])]
    public bool Diff_OfUnrelatedTexts_RebuildsTheOther(LinesText a, LinesText b) => Rebuilds(a.Value, b.Value);

    [Property(Arbitrary = [typeof(TextGenerators)], MaxTest = 300)]
    public bool Diff_OfEditedTexts_RebuildsTheOther(EditedTexts t) =>
        Rebuilds(t.Base, t.Ours) && Rebuilds(t.Ours, t.Base) && Rebuilds(t.Ours, t.Theirs);

    [Property(Arbitrary = [typeof(TextGenerators)], MaxTest = 300)]
    public bool Merge_WithAnUnchangedSide_YieldsTheOther(EditedTexts t) =>
        Yields(LineDiff.Merge3(t.Base, t.Base, t.Ours), t.Ours)
        && Yields(LineDiff.Merge3(t.Base, t.Theirs, t.Base), t.Theirs)
        && Yields(LineDiff.Merge3(t.Base, t.Ours, t.Ours), t.Ours);

    [Property(Arbitrary = [typeof(TextGenerators)], MaxTest = 300)]
    public bool Merge_IsSymmetric(EditedTexts t)
    {
        var (ab, ba) = (LineDiff.Merge3(t.Base, t.Ours, t.Theirs), LineDiff.Merge3(t.Base, t.Theirs, t.Ours));
        return ab.IsOk == ba.IsOk && (!ab.IsOk || ab.Value == ba.Value) && ab.Conflicts.Length == ba.Conflicts.Length;
    }

    [Property(Arbitrary = [typeof(TextGenerators)], MaxTest = 300)]
    public bool Merge_EditsFarApart_BothApply(FarApartEdits e)
    {
        const string middle = FarApartEdits.Middle;
        var r = LineDiff.Merge3(e.Head + middle + e.Tail, e.NewHead + middle + e.Tail, e.Head + middle + e.NewTail);
        return Yields(r, e.NewHead + middle + e.NewTail);
    }

    [Fact]
    public void Diff_FinalNewline_IsAnEdit()
    {
        Assert.Equal([new Hunk(1, 2, 1, 2)], LineDiff.Diff(["a\n", "c"], ["a\n", "c\n"]));
        Assert.Equal([new Hunk(0, 1, 0, 1)], LineDiff.Diff(["a\r\n", "b\n"], ["a\n", "b\n"]));
    }

    [Fact]
    public void Merge_AddedFinalNewline_MergesWithEditsElsewhere_AndConflictsWithAnEditOfThatLine()
    {
        Assert.True(Yields(LineDiff.Merge3("a\nb\nc", "a\nb\nc\n", "A\nb\nc"), "A\nb\nc\n"));
        Assert.True(Yields(LineDiff.Merge3("a\nb\nc", "a\nb\nc\n", "a\nb\nc\n"), "a\nb\nc\n"));
        Assert.Contains("lines 3-3", Assert.Single(LineDiff.Merge3("a\nb\nc", "a\nb\nc\n", "a\nb\nc!").Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_CrlfLines_KeepTheirEndings()
    {
        const string o = "one\r\ntwo\r\nthree\r\nfour\r\n";
        Assert.True(Yields(LineDiff.Merge3(o, "ONE\r\ntwo\r\nthree\r\nfour\r\n", "one\r\ntwo\r\nthree\r\nfour\n"), "ONE\r\ntwo\r\nthree\r\nfour\n"));
    }

    [Fact]
    public void Merge_EmptyTexts()
    {
        Assert.True(Yields(LineDiff.Merge3(string.Empty, string.Empty, string.Empty), string.Empty));
        Assert.True(Yields(LineDiff.Merge3(string.Empty, string.Empty, "x\n"), "x\n"));
        Assert.True(Yields(LineDiff.Merge3("a\n", string.Empty, "a\n"), string.Empty));
        Assert.Contains("before line 1", Assert.Single(LineDiff.Merge3(string.Empty, "x\n", "y").Conflicts).Reason, StringComparison.Ordinal);
        Assert.Contains("lines 1-1", Assert.Single(LineDiff.Merge3("a\n", string.Empty, "b\n").Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_Conflict_CoversOnlyTheOverlap()
    {
        var o = Enumerable.Range(1, 20).Select(i => $"l{i}\n").ToArray();
        var a = (string[])o.Clone();
        var b = (string[])o.Clone();
        (a[2], a[3], a[14]) = ("A3\n", "A4\n", "A15\n");
        (b[3], b[4], b[17]) = ("B4\n", "B5\n", "B18\n");
        var conflict = Assert.Single(LineDiff.Merge3(string.Concat(o), string.Concat(a), string.Concat(b)).Conflicts);
        Assert.Equal("both sides changed lines 3-5 differently", conflict.Reason);
        Assert.Equal(("l3\nl4\nl5\n", "A3\nA4\nl5\n", "l3\nB4\nB5\n"), (conflict.Base, conflict.Ours, conflict.Theirs));
    }
}
