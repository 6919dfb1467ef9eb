namespace IrminSharp.Merge;

/// <summary>Line diffs (Myers) and the diff3 merge built on them.</summary>
internal static class LineDiff
{
    // Beyond this many edits the changed middle is taken as one hunk: coarser, never wrong, and
    // it bounds the memory of the trace.
    private const int MaxEdits = 2048;

    /// <summary>Splits text into lines, each keeping its terminator, so that joining them restores the text.</summary>
    public static string[] SplitLines(string text)
    {
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
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && string.Equals(a[prefix], b[prefix], StringComparison.Ordinal))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix
            && string.Equals(a[a.Length - 1 - suffix], b[b.Length - 1 - suffix], StringComparison.Ordinal))
        {
            suffix++;
        }

        var middle = Matches(a.AsSpan(prefix, a.Length - prefix - suffix), b.AsSpan(prefix, b.Length - prefix - suffix));
        var hunks = new List<Hunk>();
        int ai = prefix, bi = prefix;
        foreach (var (i, j) in middle)
        {
            if (i + prefix > ai || j + prefix > bi)
            {
                hunks.Add(new Hunk(ai, i + prefix, bi, j + prefix));
            }

            ai = i + prefix + 1;
            bi = j + prefix + 1;
        }

        if (ai < a.Length - suffix || bi < b.Length - suffix)
        {
            hunks.Add(new Hunk(ai, a.Length - suffix, bi, b.Length - suffix));
        }

        return hunks;
    }

    /// <summary>
    /// Three-way merge of lines: changes of one side apply; changes of both sides to the same or
    /// touching base lines must be identical, else each such region is a conflict.
    /// </summary>
    public static MergeResult<string> Merge3(string ancestor, string ours, string theirs)
    {
        var o = SplitLines(ancestor);
        var sides = new[] { SplitLines(ours), SplitLines(theirs) };
        var hunks = Diff(o, sides[0]).Select(h => (Side: 0, Hunk: h))
            .Concat(Diff(o, sides[1]).Select(h => (Side: 1, Hunk: h)))
            .OrderBy(p => p.Hunk.BaseStart)
            .ToList();
        var merged = new System.Text.StringBuilder();
        var conflicts = new List<Conflict>();
        var next = 0;
        var at = 0;
        while (next < hunks.Count)
        {
            var groupStart = hunks[next].Hunk.BaseStart;
            var groupEnd = hunks[next].Hunk.BaseEnd;
            var group = new List<(int Side, Hunk Hunk)> { hunks[next++] };
            while (next < hunks.Count && hunks[next].Hunk.BaseStart <= groupEnd)
            {
                groupEnd = Math.Max(groupEnd, hunks[next].Hunk.BaseEnd);
                group.Add(hunks[next++]);
            }

            Append(merged, o, at, groupStart);
            at = groupEnd;
            var mine = Region(sides[0], group.Where(p => p.Side == 0).Select(p => p.Hunk).ToList(), o, groupStart, groupEnd);
            var other = Region(sides[1], group.Where(p => p.Side == 1).Select(p => p.Hunk).ToList(), o, groupStart, groupEnd);
            var original = string.Concat(o[groupStart..groupEnd]);
            if (string.Equals(mine, other, StringComparison.Ordinal) || string.Equals(other, original, StringComparison.Ordinal))
            {
                merged.Append(mine);
            }
            else if (string.Equals(mine, original, StringComparison.Ordinal))
            {
                merged.Append(other);
            }
            else
            {
                var where = groupStart == groupEnd ? $"before line {groupStart + 1}" : $"lines {groupStart + 1}-{groupEnd}";
                conflicts.Add(new Conflict(string.Empty, $"both sides changed {where} differently", Merges.Render(original), Merges.Render(mine), Merges.Render(other)));
            }
        }

        Append(merged, o, at, o.Length);
        return conflicts.Count > 0 ? MergeResult<string>.Failed([.. conflicts]) : MergeResult<string>.Ok(merged.ToString());
    }

    // A side's text for the base lines [start, end): its hunks there, and base lines between them.
    private static string Region(string[] side, List<Hunk> hunks, string[] o, int start, int end)
    {
        if (hunks.Count == 0)
        {
            return string.Concat(o[start..end]);
        }

        var from = hunks[0].SideStart - (hunks[0].BaseStart - start);
        var to = hunks[^1].SideEnd + (end - hunks[^1].BaseEnd);
        return string.Concat(side[from..to]);
    }

    private static void Append(System.Text.StringBuilder text, string[] lines, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            text.Append(lines[i]);
        }
    }

    // Matched index pairs of a shortest edit script (Myers), ascending; none when it is too long.
    private static List<(int I, int J)> Matches(ReadOnlySpan<string> a, ReadOnlySpan<string> b)
    {
        var n = a.Length;
        var m = b.Length;
        var matches = new List<(int, int)>();
        if (n == 0 || m == 0)
        {
            return matches;
        }

        var max = n + m;
        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= Math.Min(max, MaxEdits) && found < 0; d++)
        {
            // Keep v over k in [-d-1, d+1]: all that step d reads.
            trace.Add(v.AsSpan(offset - d - 1, (2 * d) + 3).ToArray());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && string.Equals(a[x], b[y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }
        }

        if (found < 0)
        {
            return matches;
        }

        int cx = n, cy = m;
        for (var d = found; d > 0; d--)
        {
            var saved = trace[d];
            int At(int k) => saved[k + d + 1];
            var k = cx - cy;
            var previousK = k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
            var previousX = At(previousK);
            var previousY = previousX - previousK;
            var startX = previousK == k + 1 ? previousX : previousX + 1;
            while (cx > startX)
            {
                cx--;
                cy--;
                matches.Add((cx, cy));
            }

            cx = previousX;
            cy = previousY;
        }

        while (cx > 0 && cy > 0)
        {
            cx--;
            cy--;
            matches.Add((cx, cy));
        }

        matches.Reverse();
        return matches;
    }

    /// <summary>Base lines [BaseStart, BaseEnd) replaced by side lines [SideStart, SideEnd).</summary>
    internal readonly record struct Hunk(int BaseStart, int BaseEnd, int SideStart, int SideEnd);
}
