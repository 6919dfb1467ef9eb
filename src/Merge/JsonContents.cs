using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IrminSharp.Merge;

/// <summary>
/// JSON documents (<see cref="JsonNode"/>; JSON <c>null</c> is a null node). Canonical encoding:
/// compact UTF-8 JSON with object keys sorted ordinally at every level. Merge: objects merge key by
/// key, recursively, with add/remove semantics; arrays and scalars use the default merge by deep
/// equality. Every conflicting key is reported with its path.
/// </summary>
public sealed class JsonContents : IContentType<JsonNode?>
{
    private static readonly JsonNodeEquality Equality = new();

    private JsonContents()
    {
    }

    /// <summary>The one instance.</summary>
    public static JsonContents Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "json";

    /// <inheritdoc/>
    public MergeFunction<Option<JsonNode?>> Merge { get; } = Merges.Option<JsonNode?>(MergeNodes, Equality);

    /// <inheritdoc/>
    public void Encode(JsonNode? value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var json = new Utf8JsonWriter(writer, new JsonWriterOptions { Indented = false, SkipValidation = false });
        WriteCanonical(json, value);
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out JsonNode? value)
    {
        try
        {
            value = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            return true;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }

    /// <inheritdoc/>
    public string Format(JsonNode? value) => value?.ToJsonString() ?? "null";

    private static void WriteCanonical(Utf8JsonWriter json, JsonNode? node)
    {
        switch (node)
        {
            case null:
                json.WriteNullValue();
                break;
            case JsonObject obj:
                json.WriteStartObject();
                foreach (var (key, child) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WritePropertyName(key);
                    WriteCanonical(json, child);
                }

                json.WriteEndObject();
                break;
            case JsonArray array:
                json.WriteStartArray();
                foreach (var child in array)
                {
                    WriteCanonical(json, child);
                }

                json.WriteEndArray();
                break;
            default:
                node.WriteTo(json);
                break;
        }
    }

    private static MergeResult<JsonNode?> MergeNodes(Ancestor<JsonNode?> ancestor, JsonNode? ours, JsonNode? theirs)
    {
        if (ours is not JsonObject a || theirs is not JsonObject b)
        {
            return Merges.Default<JsonNode?>(Equality)(ancestor, ours, theirs);
        }

        var old = ancestor.Get();
        if (!old.TryGetValue(out var found))
        {
            return MergeResult<JsonNode?>.Failed(old.Conflicts);
        }

        var o = found.HasValue ? found.Value as JsonObject : null;
        var keys = new SortedSet<string>(a.Select(p => p.Key), StringComparer.Ordinal);
        keys.UnionWith(b.Select(p => p.Key));
        if (o is not null)
        {
            keys.UnionWith(o.Select(p => p.Key));
        }

        var merged = new JsonObject();
        var conflicts = new List<Conflict>();
        var valueMerge = Merges.Option<JsonNode?>(MergeNodes, Equality);
        foreach (var key in keys)
        {
            var baseValue = o is not null && o.TryGetPropertyValue(key, out var ov) ? Option<JsonNode?>.Some(ov) : Option<JsonNode?>.None;
            var mine = a.TryGetPropertyValue(key, out var av) ? Option<JsonNode?>.Some(av) : Option<JsonNode?>.None;
            var other = b.TryGetPropertyValue(key, out var bv) ? Option<JsonNode?>.Some(bv) : Option<JsonNode?>.None;
            var result = valueMerge(Ancestor<Option<JsonNode?>>.Of(baseValue), mine, other);
            if (!result.TryGetValue(out var value))
            {
                conflicts.AddRange(result.Under(key).Conflicts);
            }
            else if (value.HasValue)
            {
                merged[key] = value.Value?.DeepClone();
            }
        }

        return conflicts.Count > 0 ? MergeResult<JsonNode?>.Failed([.. conflicts]) : MergeResult<JsonNode?>.Ok(merged);
    }

    private sealed class JsonNodeEquality : IEqualityComparer<JsonNode?>
    {
        public bool Equals(JsonNode? x, JsonNode? y) => JsonNode.DeepEquals(x, y);

        public int GetHashCode(JsonNode? obj) => obj?.ToJsonString().GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
