namespace IrminSharp.Merge.Tests;

/// <summary>
/// One generated edit of a text's lines (each line with its terminator; only the last may lack
/// one): replace a line, delete lines, insert lines, switch a line between LF and CRLF, add or drop
/// the final newline.
/// </summary>
public sealed record LineEdit(int Kind, int At, int Count, string Line)
{
    public void ApplyTo(List<string> lines)
    {
        var open = lines.Count > 0 && !lines[^1].EndsWith('\n');
        switch (Kind)
        {
            case 0 when lines.Count > 0:
                lines[At % lines.Count] = Line;
                break;
            case 1 when lines.Count > 0:
                var from = At % lines.Count;
                lines.RemoveRange(from, Math.Min(Count, lines.Count - from));
                break;
            case 2:
                // Never after a last line without terminator: that would join the two lines.
                var room = open ? lines.Count - 1 : lines.Count;
                lines.InsertRange(At % (room + 1), Enumerable.Repeat(Line, Count));
                break;
            case 3 when lines.Count > 0:
                var at = At % lines.Count;
                lines[at] = lines[at] switch
                {
                    var crlf when crlf.EndsWith("\r\n", StringComparison.Ordinal) => crlf[..^2] + "\n",
                    var lf when lf.EndsWith('\n') => lf[..^1] + "\r\n",
                    var last => last,
                };
                break;
            case 4 when open:
                lines[^1] += "\n";
                break;
            case 4 when lines.Count > 0:
                var cut = lines[^1].TrimEnd('\n').TrimEnd('\r');
                if (cut.Length == 0)
                {
                    lines.RemoveAt(lines.Count - 1);
                }
                else
                {
                    lines[^1] = cut;
                }

                break;
            default:
                lines.Add(Line);
                if (open)
                {
                    // Appending after an open last line: close it first.
                    lines[^2] += "\n";
                }

                break;
        }
    }
}
