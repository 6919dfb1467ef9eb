using IrminSharp.Merge;

namespace IrminSharp.Merge.Tests;

/// <summary>Checks of edit scripts given as hunks: validity, size, and the shortest possible size.</summary>
internal static class EditScripts
{
    /// <summary>
    /// Whether <paramref name="hunks"/> turn <paramref name="a"/> into <paramref name="b"/>: in
    /// order, non-empty, apart, the elements between them equal on both sides, and the hunks'
    /// side elements fill in the rest of <paramref name="b"/>.
    /// </summary>
    public static bool IsValid<T>(IReadOnlyList<T> a, IReadOnlyList<T> b, IReadOnlyList<Hunk> hunks, IEqualityComparer<T>? eq = null)
    {
        eq ??= EqualityComparer<T>.Default;
        int i = 0, j = 0;
        foreach (var h in hunks)
        {
            var unchanged = h.BaseStart - i;
            var empty = h.BaseStart == h.BaseEnd && h.SideStart == h.SideEnd;
            var apart = i == 0 && j == 0 ? unchanged >= 0 : unchanged >= 1;
            if (empty || !apart || h.SideStart - j != unchanged || h.BaseEnd < h.BaseStart || h.SideEnd < h.SideStart
                || h.BaseEnd > a.Count || h.SideEnd > b.Count || !SameRun(a, i, b, j, unchanged, eq))
            {
                return false;
            }

            (i, j) = (h.BaseEnd, h.SideEnd);
        }

        return a.Count - i == b.Count - j && SameRun(a, i, b, j, a.Count - i, eq);
    }

    /// <summary>The text of <paramref name="b"/> rebuilt from <paramref name="a"/> and only the hunks' side lines.</summary>
    public static string Apply(IReadOnlyList<string> a, IReadOnlyList<string> b, IReadOnlyList<Hunk> hunks)
    {
        var text = new System.Text.StringBuilder();
        var i = 0;
        foreach (var h in hunks)
        {
            text.Append(string.Concat(a.Skip(i).Take(h.BaseStart - i)));
            text.Append(string.Concat(b.Skip(h.SideStart).Take(h.SideEnd - h.SideStart)));
            i = h.BaseEnd;
        }

        return text.Append(string.Concat(a.Skip(i))).ToString();
    }

    /// <summary>Deleted plus inserted elements.</summary>
    public static int Size(IEnumerable<Hunk> hunks) => hunks.Sum(h => h.BaseEnd - h.BaseStart + h.SideEnd - h.SideStart);

    /// <summary>The size of a shortest script, N + M - 2·LCS, by dynamic programming.</summary>
    public static int ShortestSize(int[] a, int[] b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return a.Length + b.Length - (2 * previous[b.Length]);
    }

    private static bool SameRun<T>(IReadOnlyList<T> a, int i, IReadOnlyList<T> b, int j, int count, IEqualityComparer<T> eq)
    {
        for (var t = 0; t < count; t++)
        {
            if (!eq.Equals(a[i + t], b[j + t]))
            {
                return false;
            }
        }

        return true;
    }
}
