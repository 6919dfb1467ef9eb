using System.Text;

namespace IrminSharp.Merge;

/// <summary>
/// Line diffs and the diff3 merge built on them. Lines keep their terminators, so "a\n", "a\r\n"
/// and a last "a" without one are three different lines: a side that changes line endings or adds
/// the final newline edits those lines. Lines are interned to ids and diffed with
/// <see cref="SequenceDiff"/>.
/// </summary>
internal static class LineDiff
{
    /// <summary>Splits text into lines, each keeping its terminator ('\n', so "\r\n" too), so that joining them restores the text.</summary>
    public static string[] SplitLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return [.. lines];
    }

    /// <summary>The hunks that turn <paramref name="a"/> into <paramref name="b"/>, in order, separated by unchanged lines.</summary>
    public static List<Hunk> Diff(string[] a, string[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var lines = new Interner<string>(StringComparer.Ordinal);
        return SequenceDiff.Diff(lines.IdsOf(a), lines.IdsOf(b));
    }

    /// <summary>
    /// Three-way merge of lines: changes of one side apply; changes of both sides to the same or
    /// touching base lines must be identical, else each such region (and only it) is a conflict.
    /// </summary>
    public static MergeResult<string> Merge3(string ancestor, string ours, string theirs)
    {
        var o = new TextLines(ancestor);
        var a = new TextLines(ours);
        var b = new TextLines(theirs);
        var lines = new LineInterner();
        var oIds = o.IdsOf(lines);
        var aIds = a.IdsOf(lines);
        var bIds = b.IdsOf(lines);
        var merged = new StringBuilder(Math.Max(ours.Length, theirs.Length));
        var conflicts = new List<Conflict>();
        var at = 0;
        foreach (var region in ThreeWayDiff.Regions(oIds, aIds, bIds))
        {
            merged.Append(o.Range(at, region.BaseStart));
            at = region.BaseEnd;
            var original = oIds.AsSpan(region.BaseStart..region.BaseEnd);
            var mine = aIds.AsSpan(region.OursStart..region.OursEnd);
            var other = bIds.AsSpan(region.TheirsStart..region.TheirsEnd);
            if (mine.SequenceEqual(other) || other.SequenceEqual(original))
            {
                merged.Append(a.Range(region.OursStart, region.OursEnd));
            }
            else if (mine.SequenceEqual(original))
            {
                merged.Append(b.Range(region.TheirsStart, region.TheirsEnd));
            }
            else
            {
                var where = region.BaseStart == region.BaseEnd ? $"before line {region.BaseStart + 1}" : $"lines {region.BaseStart + 1}-{region.BaseEnd}";
                conflicts.Add(new Conflict(
                    string.Empty,
                    $"both sides changed {where} differently",
                    Merges.Render(o.Range(region.BaseStart, region.BaseEnd).ToString()),
                    Merges.Render(a.Range(region.OursStart, region.OursEnd).ToString()),
                    Merges.Render(b.Range(region.TheirsStart, region.TheirsEnd).ToString())));
            }
        }

        merged.Append(o.Range(at, o.Count));
        return conflicts.Count > 0 ? MergeResult<string>.Failed([.. conflicts]) : MergeResult<string>.Ok(merged.ToString());
    }
}
