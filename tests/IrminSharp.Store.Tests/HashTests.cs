using System.Text;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class HashTests
{
    [Fact]
    public void ComputeBlake3_MatchesTheReferenceVector()
    {
        // The BLAKE3 reference digest of the empty input.
        Assert.Equal("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", Hash.ComputeBlake3([]).ToString());
        Assert.Equal(32, Hash.ComputeBlake3(Encoding.UTF8.GetBytes("abc")).Length);
    }

    [Fact]
    public void ParseFormat_RoundTrip_ForBothSizes()
    {
        var native = Hash.ComputeBlake3([1, 2, 3]);
        Assert.Equal(native, Hash.Parse(native.ToString()));
        var sha1 = Hash.FromBytes(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
        Assert.Equal(40, sha1.ToString().Length);
        Assert.Equal(sha1, Hash.Parse(sha1.ToString().ToUpperInvariant()));
        Assert.NotEqual(sha1, Hash.FromBytes(Enumerable.Range(0, 20).Select(i => (byte)i).Append((byte)0).ToArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz49b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
    [InlineData("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f326")]
    public void TryParse_Malformed_IsFalse(string text)
    {
        Assert.False(Hash.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Hash.Parse(text));
    }

    [Fact]
    public void FiveBitDigits_MatchABitByBitReading()
    {
        var rng = new Random(3);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[32];
            rng.NextBytes(bytes);
            var hash = Hash.FromBytes(bytes);
            for (var digit = 0; digit < hash.FiveBitDigitCount; digit++)
            {
                var expected = 0;
                for (var bit = digit * 5; bit < digit * 5 + 5; bit++)
                {
                    expected = (expected << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
                }

                Assert.Equal(expected, hash.GetFiveBitDigit(digit));
            }
        }
    }

    [Fact]
    public void Equality_IsByValue_AndDefaultIsEmpty()
    {
        var a = Hash.ComputeBlake3([5]);
        var b = Hash.FromBytes(a.ToArray());
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(default(Hash).IsEmpty);
        Assert.Throws<ArgumentException>(() => Hash.FromBytes(new byte[33]));
    }
}
