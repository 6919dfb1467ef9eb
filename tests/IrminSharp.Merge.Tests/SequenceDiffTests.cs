using System.Diagnostics;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class SequenceDiffTests
{
    // Small alphabets, so that sequences share elements in many ways.
    private static int[] Ids(int[]? items, int alphabet) => [.. (items ?? []).Select(i => (i & 0x7fffffff) % alphabet)];

    private static int[] Random(Random random, int length, int alphabet) =>
        [.. Enumerable.Range(0, length).Select(_ => random.Next(alphabet))];

    // b: a with `edits` random single-element replacements, deletions and insertions.
    private static int[] Edited(Random random, int[] a, int edits, int alphabet)
    {
        var b = a.ToList();
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(b.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < b.Count:
                    b[at] = random.Next(alphabet);
                    break;
                case 1 when at < b.Count:
                    b.RemoveAt(at);
                    break;
                default:
                    b.Insert(at, random.Next(alphabet));
                    break;
            }
        }

        return [.. b];
    }

    [Property(MaxTest = 500)]
    public bool Diff_IsValidAndShortest(int[] a, int[] b, bool wide)
    {
        var (x, y) = (Ids(a, wide ? 12 : 3), Ids(b, wide ? 12 : 3));
        var hunks = SequenceDiff.Diff(x, y);
        return EditScripts.IsValid(x, y, hunks) && EditScripts.Size(hunks) == EditScripts.ShortestSize(x, y);
    }

    [Property(MaxTest = 500)]
    public bool Diff_OfAnEditedCopy_IsValidAndShortest(int[] a, int seed)
    {
        var x = Ids(a, 4);
        var y = Edited(new Random(seed), x, x.Length / 4, 4);
        var hunks = SequenceDiff.Diff(x, y);
        return EditScripts.IsValid(x, y, hunks) && EditScripts.Size(hunks) == EditScripts.ShortestSize(x, y);
    }

    [Property(MaxTest = 500)]
    public bool Diff_OverBudget_IsStillValid(int[] a, int[] b, byte budget)
    {
        // Budgets of 1 to 4 edit steps send nearly every split through the heuristic.
        var (x, y) = (Ids(a, 3), Ids(b, 3));
        return EditScripts.IsValid(x, y, SequenceDiff.Diff(x, y, 1 + (budget % 4)));
    }

    [Fact]
    public void Diff_OverBudget_KeepsMostOfWhatIsShared()
    {
        // 300 scattered edits of 3,000 elements: far more than a budget of 8 allows per split.
        var random = new Random(7);
        var a = Random(random, 3000, 5);
        var b = Edited(random, a, 300, 5);
        var hunks = SequenceDiff.Diff(a, b, 8);
        Assert.True(EditScripts.IsValid(a, b, hunks));
        Assert.True(hunks.Count > 100, $"{hunks.Count} hunks");
        var shortest = EditScripts.ShortestSize(a, b);
        Assert.InRange(EditScripts.Size(hunks), shortest, 2 * shortest);
    }

    [Fact]
    public async Task Diff_Pathological_IsValidAndNotOneHunk()
    {
        // Unrelated sequences over a small alphabet: tens of thousands of edits, each element with
        // thousands of partners. Exact Myers, O((N+M)·D), takes about half a minute here; the
        // budget bounds it to a second or two (measured by the merge-text bench scenario, not
        // here). A runaway diff fails the test after a few minutes instead of hanging CI.
        var random = new Random(11);
        var a = Random(random, 80_000, 8);
        var b = Random(random, 80_000, 8);
        var hunks = await Task.Run(() => SequenceDiff.Diff(a, b)).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(EditScripts.IsValid(a, b, hunks));
        Assert.True(hunks.Count > 1000, $"{hunks.Count} hunks");
        Assert.True(EditScripts.Size(hunks) < a.Length + b.Length, "nothing was kept");
    }

    [Fact]
    public void Diff_FewEditsInALongSequence_AreFoundExactly()
    {
        var a = Enumerable.Range(0, 1_000_000).ToArray();
        var b = a.ToList();
        b.RemoveAt(900_000);
        b.Insert(500_000, -5);
        b[10] = -1;
        var hunks = SequenceDiff.Diff(a, [.. b]);
        Assert.Equal([new Hunk(10, 11, 10, 11), new Hunk(500_000, 500_000, 500_000, 500_001), new Hunk(900_000, 900_001, 900_001, 900_001)], hunks);
    }

    [Fact]
    public void Diff_EmptySides()
    {
        Assert.Empty(SequenceDiff.Diff([], []));
        Assert.Equal([new Hunk(0, 0, 0, 2)], SequenceDiff.Diff([], [1, 2]));
        Assert.Equal([new Hunk(0, 2, 0, 0)], SequenceDiff.Diff([1, 2], []));
        Assert.Equal([new Hunk(0, 2, 0, 2)], SequenceDiff.Diff([1, 2], [3, 4]));
    }

    [Fact]
    public void Diff_BudgetBelowOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceDiff.Diff([1], [2], 0));
}
