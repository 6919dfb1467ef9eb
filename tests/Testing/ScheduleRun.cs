namespace IrminSharp.Testing;

/// <summary>
/// One schedule as its setup and check see it: which schedule it is, a random source that is
/// the same on replay, and the steps taken so far.
/// </summary>
public sealed class ScheduleRun
{
    private readonly List<ScheduleStep> trace = [];

    internal ScheduleRun(ScheduleId id, Random random)
    {
        Id = id;
        Random = random;
    }

    /// <summary>The schedule, to pass to <see cref="ScheduleExplorer.Replay"/>.</summary>
    /// <remarks>A DFS schedule's choices are known only when it ends.</remarks>
    public ScheduleId Id { get; internal set; }

    /// <summary>The schedule's index in its exploration.</summary>
    public int Index => Id.Index;

    /// <summary>Random numbers that depend only on the seed and the index, for test data.</summary>
    /// <remarks>Only one controlled thread runs at a time, so threads may share it.</remarks>
    public Random Random { get; }

    /// <summary>The steps taken so far; complete when the check runs.</summary>
    public IReadOnlyList<ScheduleStep> Trace => trace;

    internal List<ScheduleStep> Steps => trace;
}
