namespace IrminSharp.Merge;

/// <summary>
/// One small int id per distinct line (0, 1, 2, … in order of first sight), looked up by the
/// line's characters in place: a line seen before costs a hash and a compare, no copy.
/// </summary>
internal sealed class LineInterner
{
    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> bySpan;

    /// <summary>An empty interner.</summary>
    public LineInterner() => bySpan = ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The id of <paramref name="line"/>: the one it was given before, or the next free one.</summary>
    public int IdOf(ReadOnlySpan<char> line)
    {
        if (!bySpan.TryGetValue(line, out var id))
        {
            id = ids.Count;
            bySpan[line] = id;
        }

        return id;
    }
}
