using System.Collections.Immutable;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class AppendOnlyLogContentsTests
{
    private static readonly AppendOnlyLogContents<string> Log = new(StringContents.Instance);
    private static readonly IEqualityComparer<ImmutableList<string>> Same =
        EqualityComparer<ImmutableList<string>>.Create((a, b) => a!.SequenceEqual(b!), l => l.Count);

    private static ImmutableList<string> LogOf(int[]? items) => [.. (items ?? []).Select(i => "e" + ((i & 0x7fffffff) % 5))];

    private static Option<ImmutableList<string>> Some(ImmutableList<string> log) => Option<ImmutableList<string>>.Some(log);

    private static Option<ImmutableList<string>> Maybe(int[]? items) => items is null ? Option<ImmutableList<string>>.None : Some(LogOf(items));

    [Property]
    public bool Log_UnchangedSideLaws_WithAbsentLogs(int[]? o, int[]? x) =>
        Codec.UnchangedSideLaws(Log, Maybe(o), Maybe(x), Same)
        && Codec.Yields(Codec.Merge(Log, Maybe(o), Maybe(x), Maybe(x)), Maybe(x), Same);

    [Property]
    public bool Log_Appends_KeepThePrefixAndBothSuffixes_AndCommute(int[]? o, int[] a, int[] b)
    {
        var prefix = LogOf(o);
        var (sa, sb) = (LogOf(a), LogOf(b));
        var ab = Codec.Merge3(Log, prefix, prefix.AddRange(sa), prefix.AddRange(sb));
        var ba = Codec.Merge3(Log, prefix, prefix.AddRange(sb), prefix.AddRange(sa));
        if (!ab.IsOk || !ba.IsOk || !ab.Value.Value.SequenceEqual(ba.Value.Value))
        {
            return false;
        }

        // Shared appended entries once, then the rest of both suffixes, each in its own order.
        var shared = sa.Zip(sb).TakeWhile(p => p.First == p.Second).Count();
        var merged = ab.Value.Value;
        var rest = merged.Skip(prefix.Count + shared).ToList();
        var restA = sa.Skip(shared).ToList();
        var restB = sb.Skip(shared).ToList();
        return merged.Take(prefix.Count + shared).SequenceEqual(prefix.Concat(sa.Take(shared)))
            && rest.Count == restA.Count + restB.Count
            && (rest.SequenceEqual(restA.Concat(restB)) || rest.SequenceEqual(restB.Concat(restA)));
    }

    [Fact]
    public void Log_ConcurrentAppends_SmallerEncodingFirst()
    {
        var o = ImmutableList.Create("start");
        var r = Codec.Merge3(Log, o, o.Add("zeta"), o.Add("alpha").Add("omega"));
        Assert.Equal(["start", "alpha", "omega", "zeta"], r.Value.Value);
    }

    [Fact]
    public void Log_RewrittenHistory_Conflicts()
    {
        var o = ImmutableList.Create("a", "b");
        var r = Codec.Merge3(Log, o, ImmutableList.Create("a", "x", "c"), o.Add("d"));
        Assert.Contains("rewrote", Assert.Single(r.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Property]
    public bool Log_RoundTripsCanonically(int[] items) => Codec.RoundTrips(Log, LogOf(items), Same);

    [Theory]
    [InlineData(new byte[] { 0x91, 0xa1, (byte)'a' })] // entry as str
    [InlineData(new byte[] { 0xdc, 0x00, 0x01, 0xc4, 0x01, (byte)'a' })] // array16 for one entry
    [InlineData(new byte[] { 0x91, 0xc5, 0x00, 0x01, (byte)'a' })] // bin16 for a short entry
    [InlineData(new byte[] { 0x92, 0xc4, 0x01, (byte)'a' })] // cut short
    public void Log_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Log.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool Log_DamagedEncoding_IsRejectedOrCanonical(int[] items, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Log, Codec.Damage(Codec.Encode(Log, LogOf(items)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Log_RandomArrays_AreRejectedOrCanonical(byte[] tail) => Codec.RejectsOrReproduces(Log, [0x93, .. tail ?? []]);
}
