namespace IrminSharp.Testing;

/// <summary>Chooses among the enabled threads when there is more than one.</summary>
internal interface ISchedulePolicy
{
    /// <summary>The index into <paramref name="enabled"/> of the thread to run.</summary>
    /// <param name="enabled">The threads that can run, in index order; at least two.</param>
    /// <param name="current">The thread that reached the point, or null at the start or after it ended.</param>
    /// <param name="step">The step being decided, from 1.</param>
    int Choose(List<ControlledThread> enabled, ControlledThread? current, int step);
}
