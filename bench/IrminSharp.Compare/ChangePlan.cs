namespace IrminSharp.Compare;

/// <summary>
/// Which entry each commit changes, drawn once from the seed so both stores get the same
/// sequence: untimed warm-up commits first, then the timed ones. Timed commit c writes version c + 1.
/// </summary>
internal sealed class ChangePlan
{
    private ChangePlan(int[] warmup, int[] timed)
    {
        Warmup = warmup;
        Timed = timed;
    }

    public IReadOnlyList<int> Warmup { get; }

    public IReadOnlyList<int> Timed { get; }

    public static ChangePlan Create(int entries, int warmup, int timed, int seed)
    {
        var rng = new Random(seed);
        var w = Enumerable.Range(0, warmup).Select(_ => rng.Next(entries)).ToArray();
        var t = Enumerable.Range(0, timed).Select(_ => rng.Next(entries)).ToArray();
        return new ChangePlan(w, t);
    }

    /// <summary>The value of warm-up commit <paramref name="w"/>.</summary>
    public static string WarmupValue(int i, int w) => Layout.ValueOf(i, -1 - w);

    /// <summary>The value of timed commit <paramref name="c"/>.</summary>
    public static string TimedValue(int i, int c) => Layout.ValueOf(i, c + 1);

    /// <summary>Every entry the timed commits changed, with the value it must hold at the end.</summary>
    public IReadOnlyDictionary<int, string> FinalValues()
    {
        var final = new Dictionary<int, string>();
        for (var c = 0; c < Timed.Count; c++)
        {
            final[Timed[c]] = TimedValue(Timed[c], c);
        }

        return final;
    }
}
