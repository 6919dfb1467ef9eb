namespace IrminSharp.Merge;

/// <summary>
/// A text cut into lines without copying it: each line is a range of the text ending after its
/// '\n' (so "\r\n" too), the last one possibly without a terminator. Joining the lines restores
/// the text.
/// </summary>
internal sealed class TextLines
{
    private readonly string text;

    // starts[i] is where line i begins; starts[Count] is the text's length.
    private readonly int[] starts;

    /// <summary>The lines of <paramref name="text"/>.</summary>
    public TextLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        this.text = text;
        var found = new List<int>(Math.Max(4, text.Length / 32)) { 0 };
        var at = 0;
        while (at < text.Length)
        {
            var newline = text.IndexOf('\n', at);
            at = newline < 0 ? text.Length : newline + 1;
            found.Add(at);
        }

        starts = [.. found];
    }

    /// <summary>The number of lines.</summary>
    public int Count => starts.Length - 1;

    /// <summary>Line <paramref name="index"/>, with its terminator.</summary>
    public ReadOnlySpan<char> this[int index] => text.AsSpan(starts[index], starts[index + 1] - starts[index]);

    /// <summary>Lines [<paramref name="from"/>, <paramref name="to"/>) as one span of the text.</summary>
    public ReadOnlySpan<char> Range(int from, int to) => text.AsSpan(starts[from], starts[to] - starts[from]);

    /// <summary>The ids of the lines, in order, given by <paramref name="interner"/>.</summary>
    public int[] IdsOf(LineInterner interner)
    {
        ArgumentNullException.ThrowIfNull(interner);
        var ids = new int[Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = interner.IdOf(this[i]);
        }

        return ids;
    }
}
