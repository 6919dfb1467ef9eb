using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>What the <c>merge-text</c> scenario measured: a table row per case, notes, then a RESULT line per case.</summary>
internal sealed record MergeTextReport(int WarmupRuns, int TimedRuns, IReadOnlyList<MergeTextRow> Rows, IReadOnlyList<string> Notes) : IScenarioReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Print(TextWriter output, string scenario, HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        output.WriteLine(string.Create(Invariant, $"scenario {scenario}: three-way line merge, {WarmupRuns} warm-up and {TimedRuns} timed merges per case (the median), seed {options.Seed}"));
        output.WriteLine($"{"case",-13} {"lines base/ours/theirs",24} {"base KiB",9} {"irmin ms",9} {"git ms",9} {"floor ms",9} {"git-floor",9} {"ratio",7} {"net",7}  {"irmin",-15} {"git",-15} outcome");
        foreach (var row in Rows)
        {
            var lines = string.Create(Invariant, $"{row.Case.BaseLines}/{row.Case.OursLines}/{row.Case.TheirsLines}");
            output.WriteLine(string.Create(
                Invariant,
                $"{row.Case.Name,-13} {lines,24} {row.Case.Base.Length / 1024,9} {row.IrminMedian,9:F2} {Text(row.PeerMedian, "-"),9} {Text(row.FloorMedian, "-"),9} {Text(row.PeerAboveFloor, "-"),9} {Text(row.Ratio, "-"),7} {Text(row.RatioAboveFloor, "-"),7}  {Outcome(row.IrminConflicts, capped: false),-15} {(row.PeerConflicts is { } c ? Outcome(c, capped: true) : "-"),-15} {row.Agreement}"));
        }

        foreach (var row in Rows)
        {
            output.WriteLine(string.Create(Invariant, $"  {row.Case.Name}: {row.Case.Description}; runs ms min/max: irmin {Spread(row.IrminMilliseconds)}, git {Spread(row.PeerMilliseconds)}, floor {Spread(row.FloorMilliseconds)}"));
        }

        foreach (var note in Notes)
        {
            output.WriteLine(note);
        }

        foreach (var row in Rows)
        {
            output.WriteLine(string.Create(
                Invariant,
                $"RESULT scenario={scenario} case={row.Case.Name} irmin_ms={row.IrminMedian:F3} peer_ms={Text(row.PeerMedian, "none", "F3")} floor_ms={Text(row.FloorMedian, "none", "F3")} ratio={Text(row.Ratio, "none")} net_ratio={Text(row.RatioAboveFloor, "none")} irmin_conflicts={row.IrminConflicts} peer_conflicts={row.PeerConflicts?.ToString(Invariant) ?? "none"}"));
        }
    }

    /// <summary>"clean", or the number of conflicts; a <paramref name="capped"/> count (git's) at its cap reads "127+".</summary>
    private static string Outcome(int conflicts, bool capped) => conflicts switch
    {
        0 => "clean",
        1 => "1 conflict",
        _ when capped && conflicts >= GitMergeFile.MostConflictsReported => string.Create(Invariant, $"{conflicts}+ conflicts"),
        _ => string.Create(Invariant, $"{conflicts} conflicts"),
    };

    private static string Spread(IReadOnlyList<double>? values) =>
        values is null ? "-" : string.Create(Invariant, $"{values.Min():F2}/{values.Max():F2}");

    private static string Text(double? value, string missing, string format = "F2") => value?.ToString(format, Invariant) ?? missing;
}
