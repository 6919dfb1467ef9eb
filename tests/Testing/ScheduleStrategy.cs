namespace IrminSharp.Testing;

/// <summary>How <see cref="ScheduleExplorer"/> chooses the next thread at each scheduling point.</summary>
public enum ScheduleStrategy
{
    /// <summary>Even schedules use <see cref="Random"/>, odd ones <see cref="Pct"/>.</summary>
    Portfolio,

    /// <summary>A uniformly random enabled thread at every point (a random walk).</summary>
    Random,

    /// <summary>
    /// Probabilistic concurrency testing: random thread priorities, the highest enabled thread
    /// runs, and at d-1 random steps the running thread drops below all others. Finds any bug
    /// that needs d ordering constraints with probability at least 1/(n·k^(d-1)) per schedule.
    /// </summary>
    Pct,

    /// <summary>
    /// Every interleaving, depth first, branching at the first <see cref="ExploreOptions.DfsDepth"/>
    /// decisions; for small bodies only. Stops early when the tree is exhausted.
    /// </summary>
    Dfs,
}
