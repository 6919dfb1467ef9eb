namespace IrminSharp.Testing;

/// <summary>What a thread did when it was scheduled.</summary>
public enum ScheduleStepKind
{
    /// <summary>It started its body.</summary>
    Start,

    /// <summary>It went past a <c>SchedulePoint.Here</c>.</summary>
    Point,

    /// <summary>It took a <c>ScheduledLock</c>.</summary>
    Acquire,
}
