using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class MergesPropertyTests
{
    private static readonly MergeFunction<int> DefaultInt = Merges.Default<int>();
    private static readonly MergeFunction<Option<int>> OptionInt = Merges.Option(Merges.Default<int>());
    private static readonly MergeFunction<long> Counter = Merges.Counter();
    private static readonly MergeFunction<ImmutableSortedSet<int>> IntSet = Merges.Set<int>();
    private static readonly MergeFunction<ImmutableSortedDictionary<int, long>> IntMultiset = Merges.Multiset<int>();
    private static readonly MergeFunction<ImmutableSortedDictionary<int, int>> IntMap = Merges.Dictionary<int, int>(Merges.Option(Merges.Default<int>()));

    private static Option<int> Opt(int? v) => v is { } x ? Option<int>.Some(x) : Option<int>.None;

    private static ImmutableSortedSet<int> SetOf(int[] items) => [.. (items ?? []).Select(i => i % 16)];

    private static ImmutableSortedDictionary<int, long> BagOf(int[] items) =>
        (items ?? []).GroupBy(i => i % 8).ToImmutableSortedDictionary(g => g.Key, g => (long)g.Count());

    private static ImmutableSortedDictionary<int, int> MapOf(int[] items) =>
        (items ?? []).Select((v, i) => (Key: (v & 0x7fffffff) % 6, Value: i)).GroupBy(p => p.Key).ToImmutableSortedDictionary(g => g.Key, g => g.Last().Value);

    private static bool SetEq(MergeResult<ImmutableSortedSet<int>> r, ImmutableSortedSet<int> expected) => r.IsOk && r.Value.SetEquals(expected);

    private static bool DictEq<TV>(MergeResult<ImmutableSortedDictionary<int, TV>> r, ImmutableSortedDictionary<int, TV> expected) =>
        r.IsOk && r.Value.Count == expected.Count && r.Value.All(p => expected.TryGetValue(p.Key, out var v) && EqualityComparer<TV>.Default.Equals(v, p.Value));

    [Property]
    public bool Default_Laws(int o, int x) =>
        Laws.Yields(Laws.Run(DefaultInt, o, o, x), x)
        && Laws.Yields(Laws.Run(DefaultInt, o, x, o), x)
        && Laws.Yields(Laws.Run(DefaultInt, o, x, x), x);

    [Property]
    public bool Default_BothChangedDifferently_Conflicts(int o, int a, int b) =>
        a == b || a == o || b == o || !Laws.Run(DefaultInt, o, a, b).IsOk;

    [Property]
    public bool Idempotent_MergesOnlyEqualSides(int o, int a, int b) =>
        Laws.Run(Merges.Idempotent<int>(), o, a, b).IsOk == (a == b);

    [Property]
    public bool Option_Laws(int? o, int? x) =>
        Laws.Yields(Laws.Run(OptionInt, Opt(o), Opt(o), Opt(x)), Opt(x))
        && Laws.Yields(Laws.Run(OptionInt, Opt(o), Opt(x), Opt(o)), Opt(x))
        && Laws.Yields(Laws.Run(OptionInt, Opt(o), Opt(x), Opt(x)), Opt(x));

    [Property]
    public bool Option_RemoveVersusModify_Conflicts(int o, int changed) =>
        changed == o || !Laws.Run(OptionInt, Opt(o), Option<int>.None, Opt(changed)).IsOk;

    [Property]
    public bool Counter_IsOursPlusTheirsMinusAncestor(int o, int a, int b) =>
        Laws.Yields(Laws.Run(Counter, o, (long)a, (long)b), (long)a + b - o);

    [Property]
    public bool Counter_UnchangedSideLaws_AndCommutes(int o, int x, int y) =>
        Laws.Yields(Laws.Run(Counter, o, (long)o, (long)x), (long)x)
        && Laws.Yields(Laws.Run(Counter, o, (long)x, (long)o), (long)x)
        && Laws.Run(Counter, o, (long)x, (long)y).Value == Laws.Run(Counter, o, (long)y, (long)x).Value;

    [Property(Arbitrary = [typeof(WideIntegers)], MaxTest = 1000)]
    public bool Counter_OverTheWholeRange_IsTheExactSumOrAnOverflowConflict(WideLong o, WideLong a, WideLong b)
    {
        var exact = (Int128)a.Value + b.Value - o.Value;
        var r = Laws.Run(Counter, o.Value, a.Value, b.Value);
        return exact >= long.MinValue && exact <= long.MaxValue ? r.IsOk && r.Value == (long)exact : !r.IsOk;
    }

    [Property(Arbitrary = [typeof(WideIntegers)], MaxTest = 500)]
    public bool Multiset_OverTheWholeRange_CountsAreExactOrConflict(WideLong o, WideLong a, WideLong b)
    {
        var bag = ImmutableSortedDictionary<int, long>.Empty;
        ImmutableSortedDictionary<int, long> Of(long n) => n == 0 ? bag : bag.Add(1, n);
        var exact = (Int128)a.Value + b.Value - o.Value;
        var r = Laws.Run(IntMultiset, Of(o.Value), Of(a.Value), Of(b.Value));
        return exact >= long.MinValue && exact <= long.MaxValue
            ? r.IsOk && r.Value.GetValueOrDefault(1) == (long)exact && (exact != 0 || r.Value.IsEmpty)
            : !r.IsOk && r.Conflicts[0].Path == "1";
    }

    [Fact]
    public void Counter_SumOverflowingBeforeTheAncestorIsSubtracted_Merges()
    {
        // o = 5e18, both sides one more: ours + theirs overflows a long, the answer does not.
        const long o = 5_000_000_000_000_000_000;
        Assert.Equal(o + 2, Laws.Run(Counter, o, o + 1, o + 1).Value);
        Assert.Equal(long.MinValue + 2, Laws.Run(Counter, -o, long.MinValue + 1, -o + 1).Value);
    }

    [Fact]
    public void Multiset_CountsBeyondLong_MergeWhenTheAnswerFits()
    {
        const long o = 5_000_000_000_000_000_000;
        var bag = ImmutableSortedDictionary<int, long>.Empty;
        var r = Laws.Run(IntMultiset, bag.Add(1, o), bag.Add(1, o + 1), bag.Add(1, o + 1));
        Assert.Equal(o + 2, r.Value[1]);
    }

    [Fact]
    public void Counter_Overflow_IsAConflictNotAnException()
    {
        var r = Laws.Run(Counter, 0L, long.MaxValue, 1L);
        Assert.False(r.IsOk);
        Assert.Contains("overflow", r.Conflicts[0].Reason, StringComparison.Ordinal);
    }

    [Property]
    public bool Set_Laws(int[] o, int[] x) =>
        SetEq(Laws.Run(IntSet, SetOf(o), SetOf(o), SetOf(x)), SetOf(x))
        && SetEq(Laws.Run(IntSet, SetOf(o), SetOf(x), SetOf(o)), SetOf(x))
        && SetEq(Laws.Run(IntSet, SetOf(o), SetOf(x), SetOf(x)), SetOf(x));

    [Property]
    public bool Set_MatchesTheAddRemoveModel_AndCommutes(int[] o, int[] a, int[] b)
    {
        var (so, sa, sb) = (SetOf(o), SetOf(a), SetOf(b));
        var added = sa.Except(so).Union(sb.Except(so));
        var kept = so.Where(e => sa.Contains(e) && sb.Contains(e));
        var model = added.Union(kept);
        return SetEq(Laws.Run(IntSet, so, sa, sb), model) && SetEq(Laws.Run(IntSet, so, sb, sa), model);
    }

    [Property]
    public bool Multiset_CountsAddUp_AndCommute(int[] o, int[] a, int[] b)
    {
        var (mo, ma, mb) = (BagOf(o), BagOf(a), BagOf(b));
        var keys = mo.Keys.Union(ma.Keys).Union(mb.Keys);
        var model = keys
            .Select(k => (k, c: ma.GetValueOrDefault(k) + mb.GetValueOrDefault(k) - mo.GetValueOrDefault(k)))
            .Where(p => p.c != 0)
            .ToImmutableSortedDictionary(p => p.k, p => p.c);
        return DictEq(Laws.Run(IntMultiset, mo, ma, mb), model) && DictEq(Laws.Run(IntMultiset, mo, mb, ma), model);
    }

    [Property]
    public bool Multiset_UnchangedSideLaws(int[] o, int[] x) =>
        DictEq(Laws.Run(IntMultiset, BagOf(o), BagOf(o), BagOf(x)), BagOf(x))
        && DictEq(Laws.Run(IntMultiset, BagOf(o), BagOf(x), BagOf(o)), BagOf(x));

    [Property]
    public bool Dictionary_Laws(int[] o, int[] x) =>
        DictEq(Laws.Run(IntMap, MapOf(o), MapOf(o), MapOf(x)), MapOf(x))
        && DictEq(Laws.Run(IntMap, MapOf(o), MapOf(x), MapOf(o)), MapOf(x))
        && DictEq(Laws.Run(IntMap, MapOf(o), MapOf(x), MapOf(x)), MapOf(x));

    [Property]
    public bool DictionaryOfCounters_Commutes(int[] o, int[] a, int[] b)
    {
        var merge = Merges.Dictionary<int, long>(CounterContents.Instance.Merge);
        var (mo, ma, mb) = (BagOf(o), BagOf(a), BagOf(b));
        var ab = Laws.Run(merge, mo, ma, mb);
        var ba = Laws.Run(merge, mo, mb, ma);
        return ab.IsOk == ba.IsOk && (!ab.IsOk || DictEq(ab, ba.Value));
    }

    [Fact]
    public void Dictionary_ReportsEveryConflictingKey()
    {
        var o = ImmutableSortedDictionary<int, int>.Empty.Add(1, 0).Add(2, 0).Add(3, 0);
        var a = o.SetItem(1, 10).SetItem(2, 20).SetItem(3, 30);
        var b = o.SetItem(1, 11).SetItem(2, 21).SetItem(3, 30);
        var r = Laws.Run(IntMap, o, a, b);
        Assert.False(r.IsOk);
        Assert.Equal(["1", "2"], r.Conflicts.Select(c => c.Path));
    }

    [Property]
    public bool Pair_Laws(int o1, long o2, int x1, long x2)
    {
        var merge = Merges.Pair(DefaultInt, Counter);
        var (o, x) = ((o1, o2), (x1, x2));
        return Laws.Yields(Laws.Run(merge, o, o, x), x) && Laws.Yields(Laws.Run(merge, o, x, o), x);
    }

    [Fact]
    public void Pair_ReportsConflictsOfBothComponents()
    {
        var merge = Merges.Pair(DefaultInt, DefaultInt);
        var r = Laws.Run(merge, (0, 0), (1, 1), (2, 2));
        Assert.Equal(["0", "1"], r.Conflicts.Select(c => c.Path));
    }

    [Property]
    public bool LastWriterWins_ConcurrentWrites_LaterWins_AndCommutes(int ta, int tb, int va, int vb)
    {
        var merge = Merges.LastWriterWins<(long T, int V)>(p => p.T);
        var o = (long.MinValue, 0);
        var a = ((long)ta, va);
        var b = ((long)tb, vb);
        var ab = Laws.Run(merge, o, a, b).Value;
        var ba = Laws.Run(merge, o, b, a).Value;
        var expected = ta != tb ? (ta > tb ? a : b) : (Comparer<(long, int)>.Default.Compare(a, b) >= 0 ? a : b);
        return ab == expected && ba == expected;
    }

    [Property]
    public bool LastWriterWins_UnchangedSide_YieldsEvenToAnOlderWrite(int to, int tx, int vo, int vx)
    {
        var merge = Merges.LastWriterWins<(long T, int V)>(p => p.T);
        var o = ((long)to, vo);
        var x = ((long)tx, vx);
        return Laws.Yields(Laws.Run(merge, o, o, x), x)
            && Laws.Yields(Laws.Run(merge, o, x, o), x)
            && Laws.Yields(Laws.Run(merge, o, x, x), x);
    }

    [Fact]
    public void LastWriterWins_ConflictingOrAbsentAncestor_FallsBackToTimestamps()
    {
        var merge = Merges.LastWriterWins<(long T, string V)>(p => p.T);
        var failing = Ancestor<(long, string)>.Lazy(() => MergeResult<Option<(long, string)>>.Conflict("no"));
        Assert.Equal((5L, "new"), merge(failing, (5, "new"), (3, "old")).Value);
        Assert.Equal((5L, "new"), merge(Ancestor<(long, string)>.None, (3, "old"), (5, "new")).Value);
    }

    [Property]
    public bool LastWriterWins_EqualTimestamps_GoToTheLargerUnderTheTieBreak(int t, string va, string vb)
    {
        var byLength = Comparer<string>.Create((x, y) => x!.Length.CompareTo(y!.Length));
        var merge = Merges.LastWriterWins<string>(_ => t, byLength, StringComparer.Ordinal);
        (va, vb) = (va ?? string.Empty, (vb ?? string.Empty) + "+");
        if (va.Length == vb.Length)
        {
            return true;
        }

        var longer = va.Length > vb.Length ? va : vb;
        return Laws.RunWithout(merge, va, vb).Value == longer && Laws.RunWithout(merge, vb, va).Value == longer;
    }

    [Property]
    public bool FirstSuccess_TakesTheFirstThatSucceeds(int o, int a, int b)
    {
        var merge = Merges.FirstSuccess(Merges.Idempotent<int>(), (_, x, y) => MergeResult<int>.Ok(Math.Max(x, y)));
        var r = Laws.Run(merge, o, a, b);
        return r.IsOk && r.Value == (a == b ? a : Math.Max(a, b));
    }

    [Property]
    public bool Like_MergesThroughTheConversion(int o, int a, int b)
    {
        var merge = Merges.Like<string, long>(Counter, long.Parse, v => v.ToString());
        return Laws.Run(merge, o.ToString(), a.ToString(), b.ToString()).Value == ((long)a + b - o).ToString();
    }

    [Fact]
    public void Default_EqualSides_DoNotForceTheAncestor()
    {
        var forced = false;
        var ancestor = Ancestor<int>.Lazy(() =>
        {
            forced = true;
            return MergeResult<Option<int>>.Ok(Option<int>.Some(1));
        });
        Assert.True(DefaultInt(ancestor, 5, 5).IsOk);
        Assert.False(forced);
    }

    [Fact]
    public void ConflictingAncestor_Propagates()
    {
        var ancestor = Ancestor<int>.Lazy(() => MergeResult<Option<int>>.Failed(new Conflict("deep", "ancestors disagree")));
        var r = DefaultInt(ancestor, 1, 2);
        Assert.False(r.IsOk);
        Assert.Equal("deep", r.Conflicts.Single().Path);
    }

    [Fact]
    public void Default_Conflict_CarriesBaseOursTheirs()
    {
        var r = Laws.Run(DefaultInt, 1, 2, 3);
        var c = Assert.Single(r.Conflicts);
        Assert.Equal(("1", "2", "3"), (c.Base, c.Ours, c.Theirs));
    }
}
