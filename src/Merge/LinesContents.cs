using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace IrminSharp.Merge;

/// <summary>
/// Line-based text, stored as UTF-8 like <see cref="StringContents"/>. Merge: diff3 over lines
/// (each line keeps its terminator): edits of one side apply, edits of both sides to the same or
/// adjacent lines must be identical, and every other overlapping region is reported as a conflict.
/// Add/remove semantics as for strings; an absent ancestor is empty text.
/// </summary>
public sealed class LinesContents : IContentType<string>
{
    private LinesContents()
    {
    }

    /// <summary>The one instance.</summary>
    public static LinesContents Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "lines";

    /// <inheritdoc/>
    public MergeFunction<Option<string>> Merge { get; } = Merges.Option<string>(MergeText, StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Encode(string value, IBufferWriter<byte> writer) => StringContents.Instance.Encode(value, writer);

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out string value) => StringContents.Instance.TryDecode(bytes, out value);

    /// <inheritdoc/>
    public string Format(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lines = LineDiff.SplitLines(value).Length;
        return lines == 1 ? "1 line" : $"{lines} lines";
    }

    private static MergeResult<string> MergeText(Ancestor<string> ancestor, string ours, string theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        if (string.Equals(ours, theirs, StringComparison.Ordinal))
        {
            return MergeResult<string>.Ok(ours);
        }

        return ancestor.Get().Bind(found => LineDiff.Merge3(found.GetValueOrDefault(string.Empty), ours, theirs));
    }
}
