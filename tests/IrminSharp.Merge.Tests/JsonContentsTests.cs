using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class JsonContentsTests
{
    private static readonly JsonContents Json = JsonContents.Instance;
    private static readonly IEqualityComparer<JsonNode?> Deep = EqualityComparer<JsonNode?>.Create((a, b) => JsonNode.DeepEquals(a, b), _ => 0);
    private static readonly string[] OursKeys = ["a", "b", "c", "d"];

    private static JsonNode? Parse(string text) => JsonNode.Parse(text);

    private static string Text(JsonNode? node) => Encoding.UTF8.GetString(Codec.Encode(Json, node));

    private static MergeResult<Option<JsonNode?>> Merge3(string o, string a, string b) =>
        Codec.Merge3(Json, Parse(o), Parse(a), Parse(b));

    // The same document spelled differently: keys reversed, spaces, unescaped text, numbers with
    // redundant zeros or exponents.
    private static string Respell(JsonNode? node) => node switch
    {
        null => " null ",
        JsonObject o => "{ " + string.Join(" , ", o.Reverse().Select(p => JsonSerializer.Serialize(p.Key, Relaxed) + " : " + Respell(p.Value))) + " }",
        JsonArray a => "[ " + string.Join(", ", a.Select(Respell)) + " ]",
        _ when node.GetValueKind() == JsonValueKind.Number => RespellNumber(node.ToJsonString()),
        _ => node.ToJsonString(Relaxed),
    };

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string RespellNumber(string number)
    {
        var e = number.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? number : number[..e];
        var exponent = e < 0 ? "e0" : number[e..];
        return mantissa + (mantissa.Contains('.', StringComparison.Ordinal) ? "00" : ".0") + exponent;
    }

    [Property(Arbitrary = [typeof(JsonGenerators)])]
    public bool Json_RoundTrip_IsCanonical(JsonDoc doc) => Codec.RoundTrips(Json, doc.Node, Deep);

    [Property(Arbitrary = [typeof(JsonGenerators)])]
    public bool Json_DifferentSpellings_EncodeIdentically(JsonDoc doc)
    {
        var respelled = Respell(doc.Node);
        return Json.TryDecode(Encoding.UTF8.GetBytes(respelled), out var parsed)
            && JsonNode.DeepEquals(parsed, doc.Node)
            && Codec.Encode(Json, parsed).AsSpan().SequenceEqual(Codec.Encode(Json, doc.Node));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("1e0", "1")]
    [InlineData("100e-2", "1")]
    [InlineData("0.5E+1", "5")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e5", "0")]
    [InlineData("-12.340", "-12.34")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1.5e-10", "1.5e-10")]
    [InlineData("123456789012345678901234", "1.23456789012345678901234e+23")]
    [InlineData("[2.50,{\"z\":1E2,\"a\":-3.0}]", "[2.5,{\"a\":-3,\"z\":100}]")]
    public void Json_Numbers_HaveOneSpelling(string input, string canonical)
    {
        Assert.True(Json.TryDecode(Encoding.UTF8.GetBytes(input), out var value));
        Assert.Equal(canonical, Text(value));
    }

    [Fact]
    public void Json_ClrNumbers_EncodeLikeParsedOnes()
    {
        Assert.Equal("0.1", Text(JsonValue.Create(0.1)));
        Assert.Equal("1e+300", Text(JsonValue.Create(1e300)));
        Assert.Equal("1.5", Text(JsonValue.Create(1.50m)));
        Assert.Equal("{\"a\":1,\"b\":[true,\"x\"]}", Text(new JsonObject { ["b"] = new JsonArray(true, "x"), ["a"] = 1 }));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":{\"b\":1,\"b\":1}}")]
    [InlineData("\"\\ud800\"")]
    [InlineData("1e9999999999")]
    [InlineData("1e-1000000001")]
    [InlineData("[1,")]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("{'a':1}")]
    [InlineData("NaN")]
    public void Json_InvalidText_IsRejected(string text) => Assert.False(Json.TryDecode(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Json_InvalidUtf8_IsRejected() => Assert.False(Json.TryDecode([(byte)'"', 0xff, (byte)'"'], out _));

    [Fact]
    public void Json_TooDeep_IsRejected()
    {
        var deep = new string('[', 300) + new string(']', 300);
        Assert.False(Json.TryDecode(Encoding.UTF8.GetBytes(deep), out _));
        var fine = new string('[', 200) + new string(']', 200);
        Assert.True(Json.TryDecode(Encoding.UTF8.GetBytes(fine), out _));
    }

    [Property(Arbitrary = [typeof(JsonGenerators)], MaxTest = 1000)]
    public bool Json_DamagedText_IsRejectedOrDecodesToSomethingEncodable(JsonDoc doc, int how, int where, byte value)
    {
        var damaged = Codec.Damage(Codec.Encode(Json, doc.Node), how, where, value);
        return !Json.TryDecode(damaged, out var decoded)
            || (Json.TryDecode(Codec.Encode(Json, decoded), out var again) && JsonNode.DeepEquals(decoded, again));
    }

    [Property(Arbitrary = [typeof(JsonGenerators)])]
    public bool Json_Laws(JsonDoc o, JsonDoc x, bool oAbsent, bool xAbsent)
    {
        var ancestor = oAbsent ? Option<JsonNode?>.None : Option<JsonNode?>.Some(o.Fresh());
        var changed = xAbsent ? Option<JsonNode?>.None : Option<JsonNode?>.Some(x.Fresh());
        return Codec.UnchangedSideLaws(Json, ancestor, changed, Deep)
            && Codec.Yields(Codec.Merge(Json, ancestor, changed, xAbsent ? changed : Option<JsonNode?>.Some(x.Fresh())), changed, Deep);
    }

    [Property(Arbitrary = [typeof(JsonGenerators)])]
    public bool Json_EditsToDisjointKeys_MergeAndCommute(JsonObjectDoc o, JsonObjectDoc edits, JsonObjectDoc otherEdits)
    {
        // Ours edits keys a-d, theirs every other key: a key missing from the edits is removed.
        JsonObject Edit(JsonObject from, bool mine)
        {
            var result = (JsonObject)from.DeepClone();
            foreach (var key in JsonGenerators.Keys.Where(k => OursKeys.Contains(k) == mine))
            {
                var source = mine ? edits.Node : otherEdits.Node;
                if (source.TryGetPropertyValue(key, out var value))
                {
                    result[key] = value?.DeepClone();
                }
                else
                {
                    result.Remove(key);
                }
            }

            return result;
        }

        var ours = Edit(o.Node, mine: true);
        var theirs = Edit(o.Node, mine: false);
        var expected = Edit(ours, mine: false);
        var ab = Codec.Merge3(Json, o.Node, ours, theirs);
        var ba = Codec.Merge3(Json, o.Node, theirs, ours);
        return ab.IsOk && ba.IsOk && JsonNode.DeepEquals(ab.Value.Value, expected) && JsonNode.DeepEquals(ba.Value.Value, expected);
    }

    [Fact]
    public void Json_ConflictsAtSeveralDepths_AreAllReportedWithPathsAndValues()
    {
        var r = Merge3("""{"a":1,"b":{"c":1,"d":[1]},"e":0}""", """{"a":2,"b":{"c":2,"d":[2]},"e":0}""", """{"a":3,"b":{"c":3,"d":[3]},"e":1}""");
        Assert.False(r.IsOk);
        Assert.Equal(["a", "b/c", "b/d"], r.Conflicts.Select(c => c.Path));
        var a = r.Conflicts[0];
        Assert.Equal(("1", "2", "3"), (a.Base, a.Ours, a.Theirs));
    }

    [Fact]
    public void Json_RemovedKeyChangedOnTheOtherSide_ConflictsAtThatKey()
    {
        var r = Merge3("""{"a":{"x":1,"y":1}}""", """{"a":{"y":1}}""", """{"a":{"x":2,"y":1}}""");
        var c = Assert.Single(r.Conflicts);
        Assert.Equal("a/x", c.Path);
        Assert.Null(c.Ours);

        var whole = Merge3("""{"a":{"x":1}}""", """{}""", """{"a":{"x":2}}""");
        Assert.Equal("a", Assert.Single(whole.Conflicts).Path);
    }

    [Fact]
    public void Json_KeyRemovedOnOneSideUnchangedOnTheOther_IsRemoved()
    {
        var r = Merge3("""{"a":1,"b":2}""", """{"b":2}""", """{"a":1,"b":3}""");
        Assert.Equal("""{"b":3}""", Text(r.Value.Value));
    }

    [Fact]
    public void Json_ObjectsAddedOnBothSides_MergeKeyByKey()
    {
        var r = Merge3("""{}""", """{"n":{"p":1,"s":0}}""", """{"n":{"q":2,"s":0}}""");
        Assert.Equal("""{"n":{"p":1,"q":2,"s":0}}""", Text(r.Value.Value));
    }

    [Fact]
    public void Json_ArraysChangedOnBothSides_Conflict_ButEqualChangesMerge()
    {
        Assert.False(Merge3("""[1]""", """[1,2]""", """[1,3]""").IsOk);
        Assert.Equal("[1,2]", Text(Merge3("""[1]""", """[1,2]""", """[1,2.0]""").Value.Value));
    }

    [Fact]
    public void Json_RemovedDocumentAgainstUnchanged_IsRemoved()
    {
        var o = Option<JsonNode?>.Some(Parse("""{"a":1}"""));
        Assert.False(Codec.Merge(Json, o, Option<JsonNode?>.None, Option<JsonNode?>.Some(Parse("""{"a":1}"""))).Value.HasValue);
    }

    [Fact]
    public void Json_ConflictingAncestor_Propagates()
    {
        var ancestor = Ancestor<Option<JsonNode?>>.Lazy(() => MergeResult<Option<Option<JsonNode?>>>.Conflict("ancestors disagree"));
        var r = Json.Merge(ancestor, Option<JsonNode?>.Some(Parse("""{"a":1}""")), Option<JsonNode?>.Some(Parse("""{"a":2}""")));
        Assert.Equal("ancestors disagree", Assert.Single(r.Conflicts).Reason);
    }

    [Fact]
    public void Json_KeysWithSlashOrTilde_AreEscapedInConflictPaths()
    {
        var r = Merge3("""{"a/b":{"c~d":1},"a":{"b":1}}""", """{"a/b":{"c~d":2},"a":{"b":1}}""", """{"a/b":{"c~d":3},"a":{"b":1}}""");
        Assert.Equal("a~1b/c~0d", Assert.Single(r.Conflicts).Path);
    }

    [Fact]
    public void Json_ScalarReplacedByTwoDifferentObjects_Conflicts()
    {
        // Neither side wrote the union of the two objects.
        var r = Merge3("""{"k":1}""", """{"k":{"x":1}}""", """{"k":{"y":2}}""");
        Assert.Equal("k", Assert.Single(r.Conflicts).Path);
        Assert.False(Merge3("""{"k":[1]}""", """{"k":{"x":1}}""", """{"k":{"y":2}}""").IsOk);
        Assert.Equal("""{"k":{"x":1}}""", Text(Merge3("""{"k":1}""", """{"k":{"x":1}}""", """{"k":{"x":1.0}}""").Value.Value));
    }

    [Property(Arbitrary = [typeof(JsonGenerators)], MaxTest = 300)]
    public bool Json_ConflictPaths_NameKeysThatExist(JsonObjectDoc o, JsonObjectDoc a, JsonObjectDoc b)
    {
        // Every conflict path, split at '/' and unescaped, leads to a key on some side: a key
        // holding '/' is one step, never two.
        static bool Exists(JsonNode? node, string[] steps, int at) =>
            at == steps.Length || (node is JsonObject obj && obj.TryGetPropertyValue(steps[at], out var child) && Exists(child, steps, at + 1));

        var r = Codec.Merge3(Json, o.Node, a.Node, b.Node);
        return r.IsOk || r.Conflicts.All(c =>
        {
            var steps = c.Path.Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            return Exists(o.Node, steps, 0) || Exists(a.Node, steps, 0) || Exists(b.Node, steps, 0);
        });
    }

    [Fact]
    public void Json_Format_IsCompact() => Assert.Equal("""{"a":[1,null]}""", Json.Format(Parse("""{ "a" : [ 1 , null ] }""")));
}
