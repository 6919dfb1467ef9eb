namespace IrminSharp.Compare;

/// <summary>Nearest-rank percentiles of timings.</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="p"/>-th percentile (0 to 100) of <paramref name="values"/>; NaN if there are none.</summary>
    public static double Of(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
