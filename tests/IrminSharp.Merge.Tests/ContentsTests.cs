using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class ContentsTests
{
    private static readonly LwwRegisterContents<string> Lww = new(StringContents.Instance);
    private static readonly SetContents<string> StringSet = new(StringContents.Instance, StringComparer.Ordinal);

    private static byte[] Encode<T>(IContentType<T> type, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        type.Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static bool RoundTrips<T>(IContentType<T> type, T value, IEqualityComparer<T>? eq = null)
    {
        var bytes = Encode(type, value);
        return type.TryDecode(bytes, out var decoded)
            && (eq ?? EqualityComparer<T>.Default).Equals(decoded, value)
            && Encode(type, decoded).AsSpan().SequenceEqual(bytes);
    }

    private static MergeResult<Option<T>> Merge3<T>(IContentType<T> type, T o, T a, T b) =>
        type.Merge(Ancestor<Option<T>>.Of(Option<T>.Some(o)), Option<T>.Some(a), Option<T>.Some(b));

    [Property]
    public bool Counter_RoundTripsCanonically(long value) => RoundTrips(CounterContents.Instance, value);

    [Property]
    public bool String_RoundTrips(string value) =>
        value is null || value.Any(char.IsSurrogate) || RoundTrips(StringContents.Instance, value);

    [Property]
    public bool Bytes_RoundTrip(byte[] value) => value is null || RoundTrips(BytesContents.Instance, value, BytesContents.Equality);

    [Property]
    public bool Lww_RoundTrips(long timestamp, string writer, string value) =>
        writer is null || value is null || value.Any(char.IsSurrogate) || writer.Any(char.IsSurrogate)
        || RoundTrips(Lww, new LwwRegister<string>(value, timestamp, writer));

    [Property]
    public bool Set_RoundTrips(string[] items)
    {
        var set = (items ?? []).Where(s => s is not null && !s.Any(char.IsSurrogate)).ToImmutableSortedSet(StringComparer.Ordinal);
        var bytes = Encode(StringSet, set);
        return StringSet.TryDecode(bytes, out var decoded) && decoded.SetEquals(set) && Encode(StringSet, decoded).AsSpan().SequenceEqual(bytes);
    }

    [Property]
    public bool Garbage_IsRejected_NeverThrown(byte[] garbage)
    {
        garbage ??= [];
        CounterContents.Instance.TryDecode(garbage, out _);
        JsonContents.Instance.TryDecode(garbage, out _);
        Lww.TryDecode(garbage, out _);
        StringSet.TryDecode(garbage, out _);
        StringContents.Instance.TryDecode(garbage, out _);
        return true;
    }

    [Fact]
    public void Counter_NonCanonicalOrTrailingBytes_AreRejected()
    {
        Assert.False(CounterContents.Instance.TryDecode([0xd3, 0, 0, 0, 0, 0, 0, 0, 5], out _)); // int64 form of 5
        Assert.False(CounterContents.Instance.TryDecode([0x05, 0x00], out _));
        Assert.False(CounterContents.Instance.TryDecode([0xa1, 0x41], out _)); // a string
        Assert.False(CounterContents.Instance.TryDecode([], out _));
        Assert.True(CounterContents.Instance.TryDecode([0x05], out var five));
        Assert.Equal(5, five);
    }

    [Fact]
    public void String_InvalidUtf8_IsRejected() => Assert.False(StringContents.Instance.TryDecode([0xff, 0xfe], out _));

    [Fact]
    public void Json_KeyOrder_DoesNotChangeTheEncoding()
    {
        var a = Encode(JsonContents.Instance, JsonNode.Parse("""{"b":1,"a":{"y":[1,2],"x":null}}"""));
        var b = Encode(JsonContents.Instance, JsonNode.Parse("""{ "a": {"x": null, "y": [1, 2]}, "b": 1 }"""));
        Assert.Equal(a, b);
        Assert.Equal("""{"a":{"x":null,"y":[1,2]},"b":1}""", System.Text.Encoding.UTF8.GetString(a));
    }

    [Fact]
    public void Json_DisjointKeyEdits_MergeAndCommute()
    {
        var o = JsonNode.Parse("""{"a":1,"n":{"x":1,"y":1}}""");
        var a = JsonNode.Parse("""{"a":2,"n":{"x":1,"y":1}}""");
        var b = JsonNode.Parse("""{"a":1,"n":{"x":1,"y":5},"new":true}""");
        var ab = Merge3(JsonContents.Instance, o, a, b);
        var ba = Merge3(JsonContents.Instance, o, b, a);
        var expected = JsonNode.Parse("""{"a":2,"n":{"x":1,"y":5},"new":true}""");
        Assert.True(JsonNode.DeepEquals(expected, ab.Value.Value));
        Assert.True(JsonNode.DeepEquals(expected, ba.Value.Value));
    }

    [Fact]
    public void Json_ConflictingKeys_AreAllReportedWithPaths()
    {
        var o = JsonNode.Parse("""{"a":1,"b":{"c":1},"d":0}""");
        var a = JsonNode.Parse("""{"a":2,"b":{"c":2},"d":0}""");
        var b = JsonNode.Parse("""{"a":3,"b":{"c":3},"d":1}""");
        var r = Merge3(JsonContents.Instance, o, a, b);
        Assert.False(r.IsOk);
        Assert.Equal(["a", "b/c"], r.Conflicts.Select(c => c.Path));
    }

    [Fact]
    public void Json_Laws_OnADocument()
    {
        var o = JsonNode.Parse("""{"a":[1,2],"b":"s"}""");
        var x = JsonNode.Parse("""{"a":[3],"c":null}""");
        Assert.True(JsonNode.DeepEquals(x, Merge3(JsonContents.Instance, o, o, x).Value.Value));
        Assert.True(JsonNode.DeepEquals(x, Merge3(JsonContents.Instance, o, x, o).Value.Value));
        Assert.True(JsonNode.DeepEquals(x, Merge3(JsonContents.Instance, o, x, x).Value.Value));
    }

    [Fact]
    public void Counter_RemovedOnOneSideUnchangedOnTheOther_IsRemoved()
    {
        var r = CounterContents.Instance.Merge(Ancestor<Option<long>>.Of(Option<long>.Some(4)), Option<long>.None, Option<long>.Some(4));
        Assert.False(r.Value.HasValue);
    }

    [Property]
    public bool Counter_ContentMerge_AddsIncrements(int o, int a, int b) =>
        Merge3(CounterContents.Instance, o, (long)a, (long)b).Value.Value == (long)a + b - o;

    [Property]
    public bool Lww_Merge_IsSymmetric(long ta, long tb, string va, string vb)
    {
        va ??= string.Empty;
        vb ??= string.Empty;
        var o = new LwwRegister<string>("o", 0, "z");
        var a = new LwwRegister<string>(va, ta, "w1");
        var b = new LwwRegister<string>(vb, tb, "w2");
        var ab = Merge3(Lww, o, a, b).Value.Value;
        var ba = Merge3(Lww, o, b, a).Value.Value;
        var expected = ta > tb ? a : tb > ta ? b : b; // "w2" > "w1" breaks the tie
        return ab == ba && ab == expected;
    }

    [Fact]
    public void Set_ConcurrentAddsAndRemoves_AllApply()
    {
        var o = ImmutableSortedSet.Create(StringComparer.Ordinal, "a", "b", "c");
        var a = o.Remove("a").Add("x");
        var b = o.Remove("b").Add("y");
        var r = Merge3(StringSet, o, a, b).Value.Value;
        Assert.Equal(["c", "x", "y"], r);
    }
}
