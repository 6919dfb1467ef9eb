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
    public bool Counter_AbsentCountsAsZero_WhenNoSideIsUnchanged(int? o, int? a, int? b)
    {
        var r = Codec.Merge(Counter, Codec.Opt<long>(o), Codec.Opt<long>(a), Codec.Opt<long>(b));
        var removedAgainstUnchanged = o is not null && ((a is null && b == o) || (b is null && a == o));
        if ((a is null && b is null) || removedAgainstUnchanged)
        {
            return r.IsOk && !r.Value.HasValue;
        }

        return r.IsOk && r.Value.Value == (long)(a ?? 0) + (b ?? 0) - (o ?? 0);
    }

    [Fact]
    public void Counter_EqualIncrementsOnBothSides_BothCount() =>
        Assert.Equal(3, Codec.Merge3(Counter, 1L, 2L, 2L).Value.Value);

    [Fact]
    public void Counter_Overflow_IsAConflict() =>
        Assert.False(Codec.Merge3(Counter, 0L, long.MaxValue, long.MaxValue).IsOk);

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
