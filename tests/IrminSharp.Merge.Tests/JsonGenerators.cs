using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Merge.Tests;

/// <summary>A generated JSON document (a wrapper, so FsCheck can tell it from other nodes).</summary>
public sealed record JsonDoc(JsonNode? Node)
{
    public JsonNode? Fresh() => Node?.DeepClone();

    public override string ToString() => Node?.ToJsonString() ?? "null";
}

/// <summary>A generated JSON object.</summary>
public sealed record JsonObjectDoc(JsonObject Node)
{
    public override string ToString() => Node.ToJsonString();
}

/// <summary>FsCheck generators for JSON documents.</summary>
public static class JsonGenerators
{
    public static readonly string[] Keys = ["a", "b", "c", "d", "e", "é", "q\"", string.Empty, "a/b", "~", "~1", "x/y/z"];

    private static Gen<JsonNode?> Scalar => Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)),
        ArbMap.Default.GeneratorFor<int>().Select(i => JsonNode.Parse(i.ToString(CultureInfo.InvariantCulture))),
        Gen.Elements("1.5", "-0.25", "1e3", "2.50", "1E-7", "0.0", "-0", "12345678901234567890123", "1e400", "0.000123").Select(s => JsonNode.Parse(s)),
        Gen.Elements("x", "y", "tab\t", "ü", "😀", "<&>", "\"quoted\"", string.Empty).Select(s => (JsonNode?)JsonValue.Create(s)));

    public static Gen<JsonNode?> Node(int depth) => depth <= 0
        ? Scalar
        : Gen.Frequency((3, Scalar), (1, Array(depth)), (2, Object(depth).Select(o => (JsonNode?)o)));

    public static Gen<JsonObject> Object(int depth) =>
        Upto(6, Gen.Zip(Gen.Elements(Keys), Node(depth - 1))).Select(pairs =>
        {
            var obj = new JsonObject();
            foreach (var (key, value) in pairs)
            {
                obj[key] = value;
            }

            return obj;
        });

    private static Gen<JsonNode?> Array(int depth) =>
        Upto(4, Node(depth - 1)).Select(items => (JsonNode?)new JsonArray([.. items]));

    private static Gen<List<T>> Upto<T>(int most, Gen<T> item) =>
        Gen.Choose(0, most).SelectMany(n => item.ListOf(n)).Select(items => items.ToList());

    public static Arbitrary<JsonDoc> Doc() => Arb.From(Gen.Sized(size => Node(Math.Min(5, size / 15 + 1))).Select(n => new JsonDoc(n)));

    public static Arbitrary<JsonObjectDoc> ObjectDoc() => Arb.From(Gen.Sized(size => Object(Math.Min(5, size / 15 + 1))).Select(n => new JsonObjectDoc(n)));
}
