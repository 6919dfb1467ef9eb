using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class CounterContentsTests
{
    private static readonly CounterContents Counter = CounterContents.Instance;

    [Property]
    public bool Counter_UnchangedSideLaws_WithAbsentValues(int? o, int? x) =>
        Codec.UnchangedSideLaws(Counter, Codec.Opt<long>(o), Codec.Opt<long>(x));

    [Property]
    public bool Counter_Commutes_WithAbsentValues(int? o, int? a, int? b) =>
        Codec.Commutes(Counter, Codec.Opt<long>(o), Codec.Opt<long>(a), Codec.Opt<long>(b));

    [Property]
    public bool Counter_RemovalFollowsOption_PresentSidesAddUp(int? o, int? a, int? b)
    {
        var r = Codec.Merge(Counter, Codec.Opt<long>(o), Codec.Opt<long>(a), Codec.Opt<long>(b));
        if (a is not null && b is not null)
        {
            return r.IsOk && r.Value.Value == (long)a + b - (o ?? 0);
        }

        if (a is null && b is null)
        {
            return r.IsOk && !r.Value.HasValue;
        }

        // One side absent: it wins against an unchanged side, stands against an absent ancestor,
        // and conflicts with a change.
        var present = a ?? b;
        return o == present ? r.IsOk && !r.Value.HasValue
            : o is null ? r.IsOk && r.Value.Value == present
            : !r.IsOk;
    }

    [Fact]
    public void Counter_TwoRemovalsAndAChange_ConflictInEveryOrder()
    {
        // The review's case: base 5; R1 removes, R2 removes, R3 sets 8. Merging R1 and R2 first
        // removed it and R3 then made 3; R1 and R3 first made −2. Now both orders conflict.
        var five = Codec.Opt<long>(5);
        var gone = Option<long>.None;
        var eight = Codec.Opt<long>(8);
        var r1r2 = Codec.Merge(Counter, five, gone, gone);
        Assert.False(r1r2.Value.HasValue);
        Assert.False(Codec.Merge(Counter, five, r1r2.Value, eight).IsOk);
        Assert.False(Codec.Merge(Counter, five, gone, eight).IsOk);
    }

    [Fact]
    public void Counter_EqualIncrementsOnBothSides_BothCount() =>
        Assert.Equal(3, Codec.Merge3(Counter, 1L, 2L, 2L).Value.Value);

    [Fact]
    public void Counter_Overflow_IsAConflict() =>
        Assert.False(Codec.Merge3(Counter, 0L, long.MaxValue, long.MaxValue).IsOk);

    [Fact]
    public void Counter_SumOverflowingBeforeTheAncestorIsSubtracted_Merges() =>
        Assert.Equal(5_000_000_000_000_000_002, Codec.Merge3(Counter, 5_000_000_000_000_000_000, 5_000_000_000_000_000_001, 5_000_000_000_000_000_001).Value.Value);

    [Theory]
    [InlineData(0L, new byte[] { 0x00 })]
    [InlineData(127L, new byte[] { 0x7f })]
    [InlineData(-1L, new byte[] { 0xff })]
    [InlineData(128L, new byte[] { 0xcc, 0x80 })]
    [InlineData(-33L, new byte[] { 0xd0, 0xdf })]
    [InlineData(long.MinValue, new byte[] { 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0 })]
    public void Counter_Encoding_IsTheSmallestMessagePackInteger(long value, byte[] expected)
    {
        Assert.Equal(expected, Codec.Encode(Counter, value));
        Assert.True(Counter.TryDecode(expected, out var decoded));
        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData(new byte[] { 0xcc, 0x05 })] // uint8 form of 5
    [InlineData(new byte[] { 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })] // beyond long
    [InlineData(new byte[] { 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 })] // the double 1.0
    [InlineData(new byte[] { 0xc0 })] // nil
    [InlineData(new byte[] { 0xd3, 0, 0 })] // cut short
    public void Counter_NonCanonicalOrNonInteger_IsRejected(byte[] bytes) => Assert.False(Counter.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool Counter_DamagedEncoding_IsRejectedOrCanonical(long value, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Counter, Codec.Damage(Codec.Encode(Counter, value), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Counter_RandomBytes_AreRejectedOrCanonical(byte[] bytes) => Codec.RejectsOrReproduces(Counter, bytes ?? []);

    [Fact]
    public void Counter_Format_IsInvariant() => Assert.Equal("-1234567", Counter.Format(-1234567));
}
