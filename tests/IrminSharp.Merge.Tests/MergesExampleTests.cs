using System.Collections.Immutable;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class MergesExampleTests
{
    private static readonly MergeFunction<Option<int>> OptionInt = Merges.Option(Merges.Default<int>());

    private static Ancestor<T> Forbidden<T>() => Ancestor<T>.Lazy(() => throw new InvalidOperationException("the ancestor was forced"));

    private static Ancestor<T> Conflicting<T>() =>
        Ancestor<T>.Lazy(() => MergeResult<Option<T>>.Failed(new Conflict("x/y", "the ancestors conflict")));

    [Fact]
    public void Default_AddedDifferentlyWithoutAncestor_Conflicts()
    {
        var r = Laws.RunWithout(Merges.Default<string>(), "a", "b");
        var c = Assert.Single(r.Conflicts);
        Assert.Equal((string.Empty, (string?)null, "a", "b"), (c.Path, c.Base, c.Ours, c.Theirs));
        Assert.Contains("both sides", c.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_LongValues_AreRenderedShort()
    {
        var r = Laws.Run(Merges.Default<string>(), new string('o', 500), new string('a', 500), new string('b', 500));
        var c = Assert.Single(r.Conflicts);
        Assert.Equal(60, c.Ours!.Length);
        Assert.EndsWith("…", c.Ours, StringComparison.Ordinal);
        Assert.StartsWith("bbbb", c.Theirs, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Bytes_AreHexAndMarkedWhenCut()
    {
        Assert.Equal("0aff", Merges.Render(new byte[] { 0x0a, 0xff }));
        var rendered = Merges.Render(new byte[100]);
        Assert.Equal(new string('0', 60) + "…", rendered);
        Assert.Equal("null", Merges.Render<string?>(null));
    }

    [Fact]
    public void Idempotent_NeverForcesTheAncestor()
    {
        Assert.Equal(3, Merges.Idempotent<int>()(Forbidden<int>(), 3, 3).Value);
        Assert.False(Merges.Idempotent<int>()(Forbidden<int>(), 3, 4).IsOk);
    }

    [Fact]
    public void Option_ModifyVersusRemove_ConflictsBothWays_WithValues()
    {
        var weRemoved = Laws.Run(OptionInt, Option<int>.Some(1), Option<int>.None, Option<int>.Some(2));
        var c = Assert.Single(weRemoved.Conflicts);
        Assert.Equal(("1", (string?)null, "2"), (c.Base, c.Ours, c.Theirs));
        Assert.Contains("removed", c.Reason, StringComparison.Ordinal);
        Assert.False(Laws.Run(OptionInt, Option<int>.Some(1), Option<int>.Some(2), Option<int>.None).IsOk);
    }

    [Fact]
    public void Option_BothAbsent_DoesNotForceTheAncestor() =>
        Assert.False(OptionInt(Forbidden<Option<int>>(), Option<int>.None, Option<int>.None).Value.HasValue);

    [Fact]
    public void Option_BothAddedWithoutAncestor_InnerSeesNoAncestor()
    {
        Option<int>? seen = null;
        var spy = Merges.Option<int>((ancestor, ours, theirs) =>
        {
            seen = ancestor.Get().Value;
            return MergeResult<int>.Ok(ours + theirs);
        });
        Assert.Equal(5, Laws.RunWithout(spy, Option<int>.Some(2), Option<int>.Some(3)).Value.Value);
        Assert.False(seen!.Value.HasValue);
    }

    [Fact]
    public void Option_ConflictingAncestor_Propagates()
    {
        var r = OptionInt(Conflicting<Option<int>>(), Option<int>.None, Option<int>.Some(2));
        Assert.Equal("x/y", Assert.Single(r.Conflicts).Path);
    }

    [Fact]
    public void AbsentAs_Counter_RemovalWinsOverUnchanged_AndResetsAgainstIncrements()
    {
        var merge = Merges.AbsentAs(Merges.Counter(), 0L);
        var four = Option<long>.Some(4);
        Assert.False(Laws.Run(merge, four, Option<long>.None, four).Value.HasValue);
        Assert.Equal(Option<long>.Some(3), Laws.Run(merge, four, Option<long>.None, Option<long>.Some(7)).Value);
        Assert.Equal(Option<long>.Some(0), Laws.Run(merge, four, Option<long>.Some(2), Option<long>.Some(2)).Value);
        Assert.Equal(Option<long>.Some(5), Laws.RunWithout(merge, Option<long>.Some(5), Option<long>.None).Value);
    }

    [Fact]
    public void Dictionary_ConflictingAncestor_Propagates()
    {
        var merge = Merges.Dictionary<string, int>(OptionInt);
        var one = ImmutableSortedDictionary<string, int>.Empty.Add("k", 1);
        Assert.Equal("x/y", Assert.Single(merge(Conflicting<ImmutableSortedDictionary<string, int>>(), one, one.SetItem("k", 2)).Conflicts).Path);
    }

    [Fact]
    public void Dictionary_ConflictsCarryTheKeyPathAndValues()
    {
        var merge = Merges.Dictionary<string, int>(OptionInt);
        var o = ImmutableSortedDictionary<string, int>.Empty.Add("x", 0).Add("y", 0).Add("z", 0);
        var r = Laws.Run(merge, o, o.SetItem("x", 1).Remove("y"), o.SetItem("x", 2).SetItem("y", 5).SetItem("z", 9));
        Assert.Equal(["x", "y"], r.Conflicts.Select(c => c.Path));
        Assert.Equal(("0", "1", "2"), (r.Conflicts[0].Base, r.Conflicts[0].Ours, r.Conflicts[0].Theirs));
    }

    [Fact]
    public void Dictionary_KeyOrder_OrdersTheResult()
    {
        var merge = Merges.Dictionary<string, int>(OptionInt, StringComparer.OrdinalIgnoreCase);
        var ours = ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal).Add("b", 1);
        var theirs = ours.Add("A", 2);
        var r = Laws.RunWithout(merge, ours, theirs).Value;
        Assert.Same(StringComparer.OrdinalIgnoreCase, r.KeyComparer);
        Assert.Equal(["A", "b"], r.Keys);
    }

    [Fact]
    public void Dictionary_RemovedOnBothSidesOrByOne_IsGone()
    {
        var merge = Merges.Dictionary<int, int>(OptionInt);
        var o = ImmutableSortedDictionary<int, int>.Empty.Add(1, 1).Add(2, 2).Add(3, 3);
        var r = Laws.Run(merge, o, o.Remove(1).Remove(2), o.Remove(2).Add(4, 4)).Value;
        Assert.Equal([3, 4], r.Keys);
    }

    [Fact]
    public void Set_EqualSides_DoNotForceTheAncestor()
    {
        var s = ImmutableSortedSet.Create(1, 2);
        Assert.Same(s, Merges.Set<int>()(Forbidden<ImmutableSortedSet<int>>(), s, ImmutableSortedSet.Create(2, 1)).Value);
    }

    [Fact]
    public void Set_ConflictingAncestor_Propagates() =>
        Assert.False(Merges.Set<int>()(Conflicting<ImmutableSortedSet<int>>(), [1], [2]).IsOk);

    [Fact]
    public void Counter_ConflictingAncestor_Propagates() =>
        Assert.Equal("x/y", Assert.Single(Merges.Counter()(Conflicting<long>(), 1, 1).Conflicts).Path);

    [Fact]
    public void Counter_Underflow_IsAConflict() =>
        Assert.False(Laws.Run(Merges.Counter(), 1L, long.MinValue, 0L).IsOk);

    [Fact]
    public void Multiset_AbsentAncestor_AddsCounts()
    {
        var a = ImmutableSortedDictionary<string, long>.Empty.Add("x", 2);
        var b = a.SetItem("x", 3).Add("y", 1);
        var r = Laws.RunWithout(Merges.Multiset<string>(), a, b).Value;
        Assert.Equal([new KeyValuePair<string, long>("x", 5), new("y", 1)], r);
    }

    [Fact]
    public void FirstSuccess_AllFailing_ReturnsTheLastConflicts()
    {
        var merge = Merges.FirstSuccess<int>(
            (_, _, _) => MergeResult<int>.Conflict("first"),
            (_, _, _) => MergeResult<int>.Conflict("second"));
        Assert.Equal("second", Assert.Single(Laws.Run(merge, 0, 1, 2).Conflicts).Reason);
        Assert.Throws<ArgumentException>(() => Merges.FirstSuccess<int>());
    }

    [Fact]
    public void Like_PassesConflictsThrough()
    {
        var merge = Merges.Like<string, int>(Merges.Default<int>(), int.Parse, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("1", "2", "3"), Laws.Run(merge, "1", "2", "3").Conflicts.Select(c => (c.Base, c.Ours, c.Theirs)).Single());
        Assert.Equal("3", Laws.Run(merge, "1", "1", "3").Value);
    }

    [Fact]
    public void Pair_ConflictingAncestor_IsReportedOncePerComponent()
    {
        var merge = Merges.Pair(Merges.Default<int>(), Merges.Default<int>());
        var r = merge(Conflicting<(int, int)>(), (1, 1), (2, 2));
        Assert.Equal(["0/x/y", "1/x/y"], r.Conflicts.Select(c => c.Path));
    }
}
