namespace IrminSharp.Testing;

/// <summary>One step of a schedule: which thread ran, and the point it went past.</summary>
/// <param name="Thread">The thread's index in the array the setup returned.</param>
/// <param name="ThreadName">The thread's name in traces, <c>t0</c>, <c>t1</c>, and so on.</param>
/// <param name="Kind">What the thread did.</param>
/// <param name="Label">The point's label or the lock's name.</param>
public readonly record struct ScheduleStep(int Thread, string ThreadName, ScheduleStepKind Kind, string Label)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ScheduleStepKind.Start => $"{ThreadName} start",
        ScheduleStepKind.Acquire => $"{ThreadName} acquire {Label}",
        _ => $"{ThreadName} '{Label}'",
    };
}
