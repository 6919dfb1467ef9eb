using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace IrminSharp.Merge;

/// <summary>
/// The content types usable by name, such as from a command line: <c>bytes</c>, <c>string</c>,
/// <c>json</c> and <c>counter</c>. Parameterized types (sets, registers, logs) are built with
/// their constructors instead.
/// </summary>
public static class ContentTypes
{
    /// <summary>The names accepted by <see cref="TryVisit{TResult}"/>, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["bytes", "string", "json", "counter"];

    /// <summary>Raw bytes: <see cref="BytesContents.Instance"/>.</summary>
    public static IContentType<byte[]> Bytes => BytesContents.Instance;

    /// <summary>UTF-8 strings: <see cref="StringContents.Instance"/>.</summary>
    public static IContentType<string> String => StringContents.Instance;

    /// <summary>JSON documents: <see cref="JsonContents.Instance"/>.</summary>
    public static IContentType<JsonNode?> Json => JsonContents.Instance;

    /// <summary>64-bit counters: <see cref="CounterContents.Instance"/>.</summary>
    public static IContentType<long> Counter => CounterContents.Instance;

    /// <summary>
    /// Looks up the content type called <paramref name="name"/> (ordinal, case-sensitive) and
    /// hands it to <paramref name="visitor"/>; false when no such type exists.
    /// </summary>
    /// <example>
    /// A visitor whose <c>Visit&lt;T&gt;(IContentType&lt;T&gt; type)</c> returns
    /// <c>type.Merge</c> lifted to bytes turns a name into a byte-level merge.
    /// </example>
    public static bool TryVisit<TResult>(string name, IContentTypeVisitor<TResult> visitor, [MaybeNullWhen(false)] out TResult result)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(visitor);
        switch (name)
        {
            case "bytes":
                result = visitor.Visit(Bytes);
                return true;
            case "string":
                result = visitor.Visit(String);
                return true;
            case "json":
                result = visitor.Visit(Json);
                return true;
            case "counter":
                result = visitor.Visit(Counter);
                return true;
            default:
                result = default;
                return false;
        }
    }
}
