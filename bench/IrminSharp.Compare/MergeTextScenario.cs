using System.Diagnostics;
using System.Globalization;
using System.Text;
using IrminSharp.Merge;

namespace IrminSharp.Compare;

/// <summary>
/// <c>merge-text</c>: the three-way line merge. IrminSharp's <see cref="LinesContents"/> merge, in
/// this process, against stock <c>git merge-file -p ours base theirs</c> (<see cref="GitMergeFile"/>),
/// one process per merge; and, because git pays a process start per merge, the floor of a trivial
/// git process (<c>git --version</c>). Per case (<see cref="MergeTextInputs"/>): warm-up runs,
/// then C timed runs (default <see cref="DefaultRuns"/>), each run one IrminSharp merge, one git
/// merge and one git floor, interleaved so that noise falls on all three alike; the medians count.
/// Every run's outcome is checked against the first run's of the same tool, and the first runs
/// against each other: where the case demands it (<see cref="MergeTextCase.MustMatchPeer"/>), a
/// clean git merge must be IrminSharp's merge byte for byte and a git conflict must be an
/// IrminSharp conflict, else <see cref="VerificationException"/>.
/// </summary>
internal sealed class MergeTextScenario : IScenario
{
    public const int DefaultRuns = 20;
    private const int WarmupRuns = 3;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Name => "merge-text";

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runs = options.Commits ?? DefaultRuns;
        using var git = options.RunPeer ? GitMergeFile.Create() : null;
        var rows = new List<MergeTextRow>();
        string? gitVersion = null;
        foreach (var input in MergeTextInputs.All(options.Seed))
        {
            var (row, version) = Measure(input, git, runs);
            rows.Add(row);
            gitVersion ??= version;
        }

        var notes = new List<string>
        {
            "irmin ms: LinesContents.Instance.Merge(ancestor, ours, theirs) on strings in this process (split into lines,",
            "         intern, diff base->ours and base->theirs, diff3, join); an untimed full GC before each run.",
            "git ms: `git merge-file -p ours base theirs` process wall time, start to exit (reading the three files from",
            "         the RAM disk, merging, writing the result to a pipe the harness reads); floor ms: `git --version`, timed",
            "         the same way; git-floor: git ms - floor ms, what git spent beyond starting a process.",
            "ratio: git ms / irmin ms; net: (git ms - floor ms) / irmin ms; from the medians; above 1, IrminSharp is faster.",
            "outcome: dense and sparse-large must match git (the same bytes when git merges cleanly, a conflict when it",
            "         conflicts), else FAILED; pathological is only reported. Conflict counts are each tool's own (git",
            "         joins nearby conflicting hunks and caps its count, its exit code, at 127).",
        };
        notes.Add(gitVersion is null ? "peer: none (--peer none); outcomes unchecked" : $"peer: {gitVersion} without system or global configuration");
        return new MergeTextReport(WarmupRuns, runs, rows, notes);
    }

    /// <summary>Runs one case; returns its row and git's version line (null without a peer).</summary>
    private static (MergeTextRow Row, string? GitVersion) Measure(MergeTextCase input, GitMergeFile? git, int runs)
    {
        git?.Write(input);
        var ancestor = Option<string>.Some(input.Base);
        var ours = Option<string>.Some(input.Ours);
        var theirs = Option<string>.Some(input.Theirs);
        var irminTimes = new List<double>();
        var gitTimes = git is null ? null : new List<double>();
        var floorTimes = git is null ? null : new List<double>();
        (int Conflicts, string? Text)? firstIrmin = null;
        GitProcessRun? firstGit = null;
        string? version = null;
        for (var run = 0; run < WarmupRuns + runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var clock = Stopwatch.StartNew();
            var result = LinesContents.Instance.Merge(Ancestor<Option<string>>.Of(ancestor), ours, theirs);
            clock.Stop();
            var irmin = OutcomeOf(input, result);
            firstIrmin ??= irmin;
            if (irmin.Conflicts != firstIrmin.Value.Conflicts || !string.Equals(irmin.Text, firstIrmin.Value.Text, StringComparison.Ordinal))
            {
                throw new VerificationException($"IrminSharp ({input.Name}): run {run + 1} merged differently from run 1");
            }

            if (git is not null)
            {
                var merged = git.Merge();
                var floor = git.Version();
                firstGit ??= merged;
                version ??= Encoding.UTF8.GetString(floor.Output).Trim();
                if (merged.ExitCode != firstGit.ExitCode || !merged.Output.AsSpan().SequenceEqual(firstGit.Output))
                {
                    throw new VerificationException($"{GitMergeFile.Name} ({input.Name}): run {run + 1} merged differently from run 1");
                }

                if (run >= WarmupRuns)
                {
                    gitTimes!.Add(merged.Elapsed.TotalMilliseconds);
                    floorTimes!.Add(floor.Elapsed.TotalMilliseconds);
                }
            }

            if (run >= WarmupRuns)
            {
                irminTimes.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var (irminConflicts, irminText) = firstIrmin!.Value;
        var agreement = firstGit is null ? "unchecked" : Compare(input, irminConflicts, irminText, firstGit);
        var row = new MergeTextRow(input, irminTimes, irminConflicts, gitTimes, floorTimes, firstGit?.ExitCode, agreement);
        return (row, version);
    }

    /// <summary>IrminSharp's outcome: the number of conflicts, and the merged text when there are none.</summary>
    private static (int Conflicts, string? Text) OutcomeOf(MergeTextCase input, MergeResult<Option<string>> result)
    {
        if (!result.IsOk)
        {
            return (result.Conflicts.Length, null);
        }

        return result.Value.TryGetValue(out var text)
            ? (0, text)
            : throw new VerificationException($"IrminSharp ({input.Name}): the merge of three present texts is absent");
    }

    /// <summary>
    /// How IrminSharp's outcome compares with git's; throws <see cref="VerificationException"/> on a
    /// difference if the case must match git, else describes it.
    /// </summary>
    private static string Compare(MergeTextCase input, int irminConflicts, string? irminText, GitProcessRun git)
    {
        string difference;
        if (git.ExitCode == 0)
        {
            if (irminText is null)
            {
                difference = string.Create(Invariant, $"git merged cleanly, IrminSharp reported {irminConflicts} conflicts");
            }
            else
            {
                var irminBytes = Encoding.UTF8.GetBytes(irminText);
                var at = irminBytes.AsSpan().CommonPrefixLength(git.Output);
                if (at == irminBytes.Length && at == git.Output.Length)
                {
                    return "same text";
                }

                var line = git.Output.AsSpan(0, at).Count((byte)'\n') + 1;
                difference = string.Create(Invariant, $"both merged cleanly, but the texts differ from byte {at} (line {line}; IrminSharp {irminBytes.Length} bytes, git {git.Output.Length})");
            }
        }
        else
        {
            if (irminText is null)
            {
                return "both conflict";
            }

            difference = string.Create(Invariant, $"git reported {git.ExitCode} conflicts, IrminSharp merged cleanly");
        }

        return input.MustMatchPeer
            ? throw new VerificationException($"{input.Name}: {difference}")
            : "DIFFERENT (reported only): " + difference;
    }
}
