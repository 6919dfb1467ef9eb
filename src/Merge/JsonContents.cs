using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IrminSharp.Merge;

/// <summary>
/// JSON documents (<see cref="JsonNode"/>; JSON <c>null</c> is a null node). Canonical encoding:
/// compact UTF-8 JSON with object keys sorted ordinally at every level, strings escaped by
/// <see cref="Utf8JsonWriter"/>'s default encoder, and numbers in one form per value (no
/// trailing zeros or redundant exponent: <c>1.0</c>, <c>1e0</c> and <c>1</c> all encode as
/// <c>1</c>, matching <see cref="JsonNode.DeepEquals"/>). Merge: objects merge key by key,
/// recursively, with add/remove semantics, when the ancestor is an object or absent; a scalar or
/// array that both sides replaced by different objects conflicts. Arrays and scalars use the
/// default merge by deep equality: an array is one value, so concurrent edits of one array
/// conflict (store lists that both sides edit with <see cref="ListContents{T}"/>). Every
/// conflicting key is reported, its path the keys joined by '/', each key escaped as in JSON
/// Pointer (<see cref="Conflict.Escape"/>).
/// </summary>
/// <remarks>
/// Decoding accepts any JSON text (whitespace, key order, escapes) that is valid UTF-8, has no
/// duplicate keys, no unpaired surrogate escapes, no number exponent beyond ±10^9 and no nesting
/// deeper than 256.
/// </remarks>
public sealed class JsonContents : IContentType<JsonNode?>
{
    private const int MaxDepth = 256;
    private const long MaxExponent = 1_000_000_000;
    private static readonly JsonNodeEquality Equality = new();
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

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
        using var json = new Utf8JsonWriter(writer, new JsonWriterOptions { Indented = false, MaxDepth = MaxDepth + 1 });
        WriteCanonical(json, value);
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out JsonNode? value)
    {
        value = null;
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        try
        {
            var parsed = JsonNode.Parse(bytes, documentOptions: ParseOptions);

            // Nodes materialize lazily: encode once so that values which cannot be written back
            // (unpaired surrogates, huge exponents) are refused here rather than later.
            Encode(parsed, new ArrayBufferWriter<byte>(bytes.Length + 16));
            value = parsed;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
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
                switch (node.GetValueKind())
                {
                    case JsonValueKind.Number:
                        json.WriteRawValue(CanonicalNumber(Raw(node)), skipInputValidation: true);
                        break;
                    case JsonValueKind.Object or JsonValueKind.Array:
                        // A value wrapping a CLR object: canonicalize its JSON form.
                        WriteCanonical(json, JsonNode.Parse(Raw(node), documentOptions: ParseOptions));
                        break;
                    default:
                        node.WriteTo(json);
                        break;
                }

                break;
        }
    }

    private static byte[] Raw(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(json);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The one spelling of a JSON number's exact value: its significant digits placed as
    /// ECMAScript's Number::toString places them (plain up to 21 integer digits or 6 leading
    /// fraction zeros, else d.ddde±n).
    /// </summary>
    private static string CanonicalNumber(ReadOnlySpan<byte> text)
    {
        var negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
        {
            text = text[1..];
        }

        long exponent = 0;
        var e = text.IndexOfAny((byte)'e', (byte)'E');
        if (e >= 0)
        {
            var digitsOfExponent = text[(e + 1)..];
            var sign = 1;
            if (digitsOfExponent.Length > 0 && digitsOfExponent[0] is (byte)'+' or (byte)'-')
            {
                sign = digitsOfExponent[0] == (byte)'-' ? -1 : 1;
                digitsOfExponent = digitsOfExponent[1..];
            }

            digitsOfExponent = digitsOfExponent.TrimStart((byte)'0');
            if (digitsOfExponent.Length > 10 || !long.TryParse(digitsOfExponent.IsEmpty ? "0"u8 : digitsOfExponent, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out exponent) || exponent > MaxExponent)
            {
                throw new FormatException("The number's exponent is out of range.");
            }

            exponent *= sign;
            text = text[..e];
        }

        var dot = text.IndexOf((byte)'.');
        var fraction = dot >= 0 ? text[(dot + 1)..] : [];
        var whole = dot >= 0 ? text[..dot] : text;
        var digits = new System.Text.StringBuilder(whole.Length + fraction.Length);
        foreach (var b in whole)
        {
            digits.Append((char)b);
        }

        foreach (var b in fraction)
        {
            digits.Append((char)b);
        }

        exponent -= fraction.Length;
        var significant = digits.ToString().TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        if (trimmed.Length == 0)
        {
            return "0";
        }

        exponent += significant.Length - trimmed.Length;
        var k = trimmed.Length;
        var n = k + exponent; // the decimal point sits after n digits
        string result;
        if (k <= n && n <= 21)
        {
            result = trimmed + new string('0', (int)(n - k));
        }
        else if (0 < n && n <= 21)
        {
            result = trimmed[..(int)n] + "." + trimmed[(int)n..];
        }
        else if (-6 < n && n <= 0)
        {
            result = "0." + new string('0', (int)-n) + trimmed;
        }
        else
        {
            var power = (n - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            result = trimmed[..1] + (k > 1 ? "." + trimmed[1..] : string.Empty) + "e" + (n - 1 >= 0 ? "+" : string.Empty) + power;
        }

        return negative ? "-" + result : result;
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
            // The ancestors conflicted: only sides that agree merge. (Compared here only, not at
            // every level, so that a merge stays linear in the size of the document.)
            return JsonNode.DeepEquals(a, b) ? MergeResult<JsonNode?>.Ok(a) : MergeResult<JsonNode?>.Failed(old.Conflicts);
        }

        // Two objects merge key by key against an object or against nothing (both sides added
        // one). A scalar or an array replaced by two different objects conflicts: neither side
        // wrote the union.
        if (found.HasValue && found.Value is not JsonObject)
        {
            return Merges.Default<JsonNode?>(Equality)(ancestor, ours, theirs);
        }

        var o = found.HasValue ? (JsonObject)found.Value! : null;
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
                // A node taken from a side belongs to that side's document and is copied once; an
                // object merged below is new and is attached as it is.
                merged[key] = value.Value is { Parent: not null } taken ? taken.DeepClone() : value.Value;
            }
        }

        return conflicts.Count > 0 ? MergeResult<JsonNode?>.Failed([.. conflicts]) : MergeResult<JsonNode?>.Ok(merged);
    }

    private sealed class JsonNodeEquality : IEqualityComparer<JsonNode?>
    {
        public bool Equals(JsonNode? x, JsonNode? y) => JsonNode.DeepEquals(x, y);

        public int GetHashCode(JsonNode? obj)
        {
            // Equal documents have one canonical encoding, whatever their key order.
            var buffer = new ArrayBufferWriter<byte>();
            Instance.Encode(obj, buffer);
            var hash = new HashCode();
            hash.AddBytes(buffer.WrittenSpan);
            return hash.ToHashCode();
        }
    }
}
