using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary>The content types the CLI can store, by the name recorded at <c>init</c>.</summary>
internal static class ContentKinds
{
    public static readonly string[] Names = ["string", "json", "counter", "bytes"];

    public static IStoreView Open(string name, IObjectStore objects, IRefStore refs) => name switch
    {
        "string" => View(objects, refs, StringContents.Instance, s => s, s => s),
        "json" => View(objects, refs, JsonContents.Instance, ParseJson, n => n?.ToJsonString() ?? "null"),
        "counter" => View(objects, refs, CounterContents.Instance, ParseCounter, n => n.ToString(CultureInfo.InvariantCulture)),
        "bytes" => View(objects, refs, BytesContents.Instance, Encoding.UTF8.GetBytes, FormatBytes),
        _ => throw new IrminException($"the store holds '{name}' values, which this irmin does not know (known: {string.Join(", ", Names)})"),
    };

    private static TypedStoreView<T> View<T>(IObjectStore objects, IRefStore refs, IContentType<T> type, Func<string, T> parse, Func<T, string> format) =>
        new(Repository<T>.Open(objects, refs, type, new RepositoryOptions { Author = Environment.UserName is { Length: > 0 } user ? user : "irmin" }), parse, format);

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"not valid JSON: {e.Message}", e);
        }
    }

    private static long ParseCounter(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"'{text}' is not a whole number (this store holds counters)");

    private static string FormatBytes(byte[] bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Convert.ToHexStringLower(bytes);
}
