using System.Collections.Immutable;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

/// <summary>Merges at their edges. Each test failed a mutant the rest of the suite let through.</summary>
public sealed class MergeEdgeTests
{
    [Fact]
    public void List_IdenticalInsertionOnBothSides_IsKeptOnce_WhileOtherEditsDiffer()
    {
        var type = new ListContents<string>(StringContents.Instance);
        var r = Codec.Merge3(type, ImmutableList.Create("1", "2", "3"), ImmutableList.Create("1", "x", "2", "3", "a"), ImmutableList.Create("1", "x", "2", "3", "b"));
        Assert.True(r.IsOk, r.ToString());
        Assert.Equal(["1", "x", "2", "3", "a", "b"], r.Value.Value);
    }

    [Fact]
    public void List_IdenticalReplacementOnBothSides_AppliesOnce()
    {
        var type = new ListContents<string>(StringContents.Instance);
        var r = Codec.Merge3(type, ImmutableList.Create("1", "2", "3", "4"), ImmutableList.Create("1", "X", "3", "4", "a"), ImmutableList.Create("b", "1", "X", "3", "4"));
        Assert.True(r.IsOk, r.ToString());
        Assert.Equal(["b", "1", "X", "3", "4", "a"], r.Value.Value);
    }

    [Fact]
    public void Lww_WriteWithAClockEqualToTheValue_StampsOnePast()
    {
        var written = new LwwRegister<string>("a", 5, "z").Write("b", 5, "a");
        Assert.Equal(6, written.Timestamp);
    }

    [Fact]
    public void LastWriterWins_OfATypeComparableOnlyInPart_ConflictsOnATieRatherThanThrowing()
    {
        // (object, int) is IComparable, so the builder accepts it; its order compares the objects
        // with Comparer<object>.Default, which throws for objects that are not comparable.
        var merge = Merges.LastWriterWins<(object, int)>(_ => 0);
        var r = merge(Ancestor<(object, int)>.None, (new object(), 1), (new object(), 2));
        Assert.False(r.IsOk);
    }
}
