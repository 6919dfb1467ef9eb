using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class AppendOnlyLogContentsTests
{
    private static readonly AppendOnlyLogContents<string> Log = new(StringContents.Instance);
    private static readonly EqualityComparer<AppendOnlyLog<string>> Same =
        EqualityComparer<AppendOnlyLog<string>>.Create((a, b) => a!.Entries.SequenceEqual(b!.Entries), l => l.Count);

    private static AppendOnlyLog<string> Appended(AppendOnlyLog<string> log, int[]? items) =>
        (items ?? []).Aggregate(log, (l, i) => l.Append("e" + ((i & 0x7fffffff) % 5)));

    private static AppendOnlyLog<string> LogOf(int[]? items) => Appended(AppendOnlyLog<string>.Empty, items);

    private static Option<AppendOnlyLog<string>> Some(AppendOnlyLog<string> log) => Option<AppendOnlyLog<string>>.Some(log);

    private static Option<AppendOnlyLog<string>> Maybe(int[]? items) => items is null ? Option<AppendOnlyLog<string>>.None : Some(LogOf(items));

    private static AppendOnlyLog<string> Merged(AppendOnlyLog<string> o, AppendOnlyLog<string> a, AppendOnlyLog<string> b) =>
        Codec.Merge3(Log, o, a, b).Value.Value;

    [Property]
    public bool Log_UnchangedSideLaws_WithAbsentLogs(int[]? o, int[]? x) =>
        Codec.UnchangedSideLaws(Log, Maybe(o), Maybe(x), Same);

    [Fact]
    public void Log_SecondSync_KeepsMerging()
    {
        // The review's case: base [s]; A = [s,a], B = [s,b]; A pulls B; B appends d; A pulls B again.
        var s = AppendOnlyLog<string>.Of(["s"]);
        var a = s.Append("a");
        var b = s.Append("b");
        var aPulledB = Merged(s, a, b);
        var b2 = b.Append("d");
        var again = Codec.Merge3(Log, b, aPulledB, b2);
        Assert.True(again.IsOk, string.Join("; ", again.Conflicts));
        Assert.Equal(["s", "a", "b", "d"], again.Value.Value);
    }

    [Fact]
    public void Log_SameEntryAppendedOnBothSides_IsKeptTwice()
    {
        var o = AppendOnlyLog<string>.Of(["s"]);
        Assert.Equal(["s", "x", "x"], Merged(o, o.Append("x"), o.Append("x")));
    }

    [Fact]
    public void Log_ConcurrentAppends_OrderByStampThenEncoding()
    {
        var o = AppendOnlyLog<string>.Of(["start"]);
        var r = Merged(o, o.Append("zeta"), o.Append("alpha").Append("omega"));
        Assert.Equal(["start", "alpha", "zeta", "omega"], r);
    }

    [Property]
    public bool Log_ThreeReplicas_AnyMergeOrder_SameLog(int[]? o, int[] x, int[] y, int[] z)
    {
        // Three replicas append to one base; merging them in any order gives one log. (Each
        // merge against the base: the first merge's result has the base as its LCA with the third.)
        var b = LogOf(o);
        var (r1, r2, r3) = (Appended(b, x), Appended(b, y), Appended(b, z));
        var orders = new[]
        {
            Merged(b, Merged(b, r1, r2), r3),
            Merged(b, Merged(b, r1, r3), r2),
            Merged(b, Merged(b, r2, r3), r1),
            Merged(b, r3, Merged(b, r2, r1)),
        };
        return orders.All(l => Same.Equals(l, orders[0])) && orders[0].Count == b.Count + x.Length + y.Length + z.Length;
    }

    [Property]
    public bool Log_ReplicasSyncingRepeatedly_NeverConflict_AndConverge(int[][] rounds)
    {
        // Two replicas append and pull from each other many times; each pull merges against the
        // log both last agreed on, as a store's merge would against the LCA.
        var shared = AppendOnlyLog<string>.Empty;
        var (a, b) = (shared, shared);
        foreach (var round in rounds ?? [])
        {
            var items = round ?? [];
            a = Appended(a, items.Where((_, i) => i % 2 == 0).ToArray());
            b = Appended(b, items.Where((_, i) => i % 2 == 1).ToArray());
            var ab = Codec.Merge3(Log, shared, a, b);
            var ba = Codec.Merge3(Log, shared, b, a);
            if (!ab.IsOk || !ba.IsOk || !Same.Equals(ab.Value.Value, ba.Value.Value))
            {
                return false;
            }

            (shared, a, b) = (ab.Value.Value, ab.Value.Value, ba.Value.Value);
        }

        return Same.Equals(a, b);
    }

    [Fact]
    public void Log_SideThatDroppedEntries_Conflicts()
    {
        var o = AppendOnlyLog<string>.Of(["a", "b"]);
        var r = Codec.Merge3(Log, o, AppendOnlyLog<string>.Of(["a"]).Append("c"), o.Append("d"));
        Assert.Contains("removed entries", Assert.Single(r.Conflicts).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_RemovedAgainstAppended_Conflicts()
    {
        var o = AppendOnlyLog<string>.Of(["a"]);
        Assert.False(Codec.Merge(Log, Some(o), Option<AppendOnlyLog<string>>.None, Some(o.Append("b"))).IsOk);
    }

    [Property]
    public bool Log_RoundTripsCanonically(int[] items) => Codec.RoundTrips(Log, LogOf(items), Same);

    [Fact]
    public void Log_Encoding_IsStampedEntriesInOrder() =>
        Assert.Equal(
            new byte[] { 0x92, 0x92, 0x01, 0xc4, 0x01, (byte)'a', 0x92, 0x02, 0xc4, 0x01, (byte)'b' },
            Codec.Encode(Log, AppendOnlyLog<string>.Of(["a", "b"])));

    [Theory]
    [InlineData(new byte[] { 0x91, 0x92, 0x01, 0xa1, (byte)'a' })] // entry as str
    [InlineData(new byte[] { 0x91, 0x92, 0x00, 0xc4, 0x01, (byte)'a' })] // stamp 0
    [InlineData(new byte[] { 0x92, 0x92, 0x02, 0xc4, 0x01, (byte)'a', 0x92, 0x01, 0xc4, 0x01, (byte)'b' })] // stamps out of order
    [InlineData(new byte[] { 0x92, 0x92, 0x01, 0xc4, 0x01, (byte)'b', 0x92, 0x01, 0xc4, 0x01, (byte)'a' })] // equal stamps, bytes out of order
    [InlineData(new byte[] { 0x91, 0x91, 0x01 })] // entry without a value
    [InlineData(new byte[] { 0xdc, 0x00, 0x01, 0x92, 0x01, 0xc4, 0x01, (byte)'a' })] // array16 for one entry
    [InlineData(new byte[] { 0x92, 0x92, 0x01, 0xc4, 0x01, (byte)'a' })] // cut short
    public void Log_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Log.TryDecode(bytes, out _));

    [Property(MaxTest = 1000)]
    public bool Log_DamagedEncoding_IsRejectedOrCanonical(int[] items, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Log, Codec.Damage(Codec.Encode(Log, LogOf(items)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool Log_RandomArrays_AreRejectedOrCanonical(byte[] tail) => Codec.RejectsOrReproduces(Log, [0x93, .. tail ?? []]);

    [Fact]
    public void Log_AppendAtTheEndOfTheClock_Throws()
    {
        // One entry stamped long.MaxValue (a uint64 in MessagePack's smallest form).
        Assert.True(Log.TryDecode([0x91, 0x92, 0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc4, 0x01, (byte)'a'], out var full));
        Assert.Throws<OverflowException>(() => full.Append("b"));
    }
}
