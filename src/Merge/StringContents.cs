using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace IrminSharp.Merge;

/// <summary>
/// Strings, stored as their UTF-8 bytes with no framing. Merge: the default merge with
/// add/remove semantics (a side unchanged from the ancestor yields to the other).
/// </summary>
public sealed class StringContents : IContentType<string>
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private StringContents()
    {
    }

    /// <summary>The one instance.</summary>
    public static StringContents Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "string";

    /// <inheritdoc/>
    public MergeFunction<Option<string>> Merge { get; } = Merges.Option(Merges.Default<string>(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Encode(string value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(Strict.GetMaxByteCount(value.Length));
        writer.Advance(Strict.GetBytes(value, span));
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out string value)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            value = null;
            return false;
        }

        value = Strict.GetString(bytes);
        return true;
    }

    /// <inheritdoc/>
    public string Format(string value) => value;
}
