using System.Text;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class BytesAndStringContentsTests
{
    private static readonly IEqualityComparer<byte[]> Bytes = BytesContents.Equality;

    private static Option<string> Text(string? s) => s is null || s.Any(char.IsSurrogate) ? Option<string>.None : Option<string>.Some(s);

    [Property]
    public bool Bytes_UnchangedSideLaws(byte[]? o, byte[]? x) =>
        Codec.UnchangedSideLaws(BytesContents.Instance, Codec.OptRef(o), Codec.OptRef(x), Bytes);

    [Property]
    public bool Bytes_EqualContentsInDifferentArrays_Merge(byte[] o, byte[] x) =>
        o is null || x is null || Codec.Yields(Codec.Merge3(BytesContents.Instance, o, x, [.. x]), Option<byte[]>.Some(x), Bytes);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1 << 20)]
    [InlineData(16 << 20)]
    public void EmptyAndHugeValues_KeepTheLaws_AndRoundTrip(int size)
    {
        var random = new Random(size);
        byte[] Blob(byte salt)
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            if (size > 0)
            {
                bytes[size / 2] = salt;
            }

            return bytes;
        }

        var (o, x, y) = (Blob(1), Blob(2), Blob(3));
        Assert.True(Codec.RoundTrips(BytesContents.Instance, x, Bytes));
        Assert.True(Codec.UnchangedSideLaws(BytesContents.Instance, Option<byte[]>.Some(o), Option<byte[]>.Some(x), Bytes));
        Assert.Equal(size > 0, !Codec.Merge3(BytesContents.Instance, o, x, y).IsOk);

        var text = new string('a', size);
        var other = size > 0 ? "b" + text[1..] : "b";
        Assert.True(Codec.RoundTrips(StringContents.Instance, text));
        Assert.True(Codec.UnchangedSideLaws(StringContents.Instance, Option<string>.Some(text), Option<string>.Some(other), StringComparer.Ordinal));
        var counters = new MultisetContents<byte[]>(BytesContents.Instance, Comparer<byte[]>.Create((p, q) => p!.AsSpan().SequenceCompareTo(q)));
        var bag = counters.Empty.Add(x, 1);
        Assert.True(Codec.RoundTrips(counters, bag, EqualityComparer<System.Collections.Immutable.ImmutableSortedDictionary<byte[], long>>.Create((p, q) => Codec.Encode(counters, p!).AsSpan().SequenceEqual(Codec.Encode(counters, q!)), _ => 0)));
    }

    [Fact]
    public void Bytes_BothChanged_Conflict_WithHex()
    {
        var r = Codec.Merge3(BytesContents.Instance, [1], [2], [3]);
        Assert.Equal(("01", "02", "03"), r.Conflicts.Select(c => (c.Base, c.Ours, c.Theirs)).Single());
    }

    [Property]
    public bool Bytes_EncodingIsTheBytes(byte[] value) =>
        value is null || (Codec.Encode(BytesContents.Instance, value).AsSpan().SequenceEqual(value) && Codec.RoundTrips(BytesContents.Instance, value, Bytes));

    [Property]
    public bool String_UnchangedSideLaws(string? o, string? x) =>
        Codec.UnchangedSideLaws(StringContents.Instance, Text(o), Text(x), StringComparer.Ordinal)
        && Codec.Yields(Codec.Merge(StringContents.Instance, Text(o), Text(x), Text(x)), Text(x), StringComparer.Ordinal);

    [Property]
    public bool String_EncodingIsUtf8(string value) =>
        value is null || value.Any(char.IsSurrogate)
        || (Codec.Encode(StringContents.Instance, value).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(value)) && Codec.RoundTrips(StringContents.Instance, value));

    [Fact]
    public void String_SupplementaryCharacters_RoundTrip() => Assert.True(Codec.RoundTrips(StringContents.Instance, "a😀é"));

    [Theory]
    [InlineData(new byte[] { 0xff })]
    [InlineData(new byte[] { 0xc3 })] // cut short
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })] // an encoded surrogate
    [InlineData(new byte[] { 0xc0, 0x80 })] // overlong
    public void String_InvalidUtf8_IsRejected(byte[] bytes) => Assert.False(StringContents.Instance.TryDecode(bytes, out _));

    [Fact]
    public void String_ConcurrentEdits_Conflict() => Assert.False(Codec.Merge3(StringContents.Instance, "o", "a", "b").IsOk);
}
