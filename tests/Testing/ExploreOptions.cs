namespace IrminSharp.Testing;

/// <summary>How many schedules <see cref="ScheduleExplorer"/> runs, and how it chooses them.</summary>
public sealed class ExploreOptions
{
    private readonly int schedules = 1000;
    private readonly int pctDepth = 3;
    private readonly int pctSteps;
    private readonly int dfsDepth = 64;
    private readonly int maxSteps = 20_000;
    private readonly TimeSpan stepTimeout = TimeSpan.FromSeconds(10);
    private readonly TimeSpan? timeBudget;

    /// <summary>How many schedules to run at most (DFS may stop sooner). Default 1,000.</summary>
    public int Schedules
    {
        get => schedules;
        init => schedules = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Schedules), value, "At least one schedule.");
    }

    /// <summary>The seed; the same seed gives the same schedules.</summary>
    public int Seed { get; init; }

    /// <summary>How to choose threads. Default <see cref="ScheduleStrategy.Portfolio"/>.</summary>
    public ScheduleStrategy Strategy { get; init; } = ScheduleStrategy.Portfolio;

    /// <summary>PCT's depth d: the number of ordering constraints a bug may need. Default 3.</summary>
    public int PctDepth
    {
        get => pctDepth;
        init => pctDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(PctDepth), value, "At least 1.");
    }

    /// <summary>
    /// PCT's estimate k of the steps in a schedule. 0, the default, uses the most steps any
    /// earlier schedule of the exploration took.
    /// </summary>
    public int PctSteps
    {
        get => pctSteps;
        init => pctSteps = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(PctSteps), value, "Not negative.");
    }

    /// <summary>DFS branches at this many decisions, then lets the running thread go on. Default 64.</summary>
    public int DfsDepth
    {
        get => dfsDepth;
        init => dfsDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(DfsDepth), value, "At least 1.");
    }

    /// <summary>Steps after which a schedule fails as a likely livelock. Default 20,000.</summary>
    public int MaxSteps
    {
        get => maxSteps;
        init => maxSteps = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSteps), value, "At least 1.");
    }

    /// <summary>
    /// How long the running thread may go without a scheduling point before the schedule fails
    /// as a hang. Default 10 s.
    /// </summary>
    public TimeSpan StepTimeout
    {
        get => stepTimeout;
        init => stepTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(StepTimeout), value, "Positive.");
    }

    /// <summary>Stop starting schedules after this long, if set.</summary>
    public TimeSpan? TimeBudget
    {
        get => timeBudget;
        init => timeBudget = value is null || value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(TimeBudget), value, "Positive.");
    }
}
