namespace IrminSharp.Merge;

/// <summary>
/// The regions where two sides changed a common base (diff3): the hunks of both sides' diffs
/// against the base, grouped where they overlap or touch. Outside the regions, base and both
/// sides agree.
/// </summary>
internal static class ThreeWayDiff
{
    /// <summary>
    /// The changed regions of <paramref name="ours"/> and <paramref name="theirs"/> against
    /// <paramref name="ancestor"/>, in order, each as small as the overlapping hunks allow.
    /// </summary>
    public static List<ThreeWayRegion> Regions(ReadOnlySpan<int> ancestor, ReadOnlySpan<int> ours, ReadOnlySpan<int> theirs)
    {
        var mine = SequenceDiff.Diff(ancestor, ours);
        var other = SequenceDiff.Diff(ancestor, theirs);
        var regions = new List<ThreeWayRegion>();
        int i = 0, j = 0;

        // How far each side's positions have moved from the base's, by the hunks before the region.
        int oursShift = 0, theirsShift = 0;
        while (i < mine.Count || j < other.Count)
        {
            var start = j == other.Count || (i < mine.Count && mine[i].BaseStart <= other[j].BaseStart) ? mine[i].BaseStart : other[j].BaseStart;
            var end = start;
            int firstMine = i, firstOther = j;
            while (true)
            {
                if (i < mine.Count && mine[i].BaseStart <= end)
                {
                    end = Math.Max(end, mine[i++].BaseEnd);
                }
                else if (j < other.Count && other[j].BaseStart <= end)
                {
                    end = Math.Max(end, other[j++].BaseEnd);
                }
                else
                {
                    break;
                }
            }

            var (oursStart, oursEnd) = SideRange(mine, firstMine, i, start, end, ref oursShift);
            var (theirsStart, theirsEnd) = SideRange(other, firstOther, j, start, end, ref theirsShift);
            regions.Add(new ThreeWayRegion(start, end, oursStart, oursEnd, theirsStart, theirsEnd));
        }

        return regions;
    }

    // A side's range for base [start, end), given its hunks [first, next) there (maybe none): the
    // hunks, and the base elements around and between them; then the shift after the region.
    private static (int Start, int End) SideRange(List<Hunk> hunks, int first, int next, int start, int end, ref int shift)
    {
        var from = start + shift;
        for (var h = first; h < next; h++)
        {
            shift += (hunks[h].SideEnd - hunks[h].SideStart) - (hunks[h].BaseEnd - hunks[h].BaseStart);
        }

        return (from, end + shift);
    }
}
