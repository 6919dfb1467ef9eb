namespace IrminSharp.Testing;

/// <summary>Why a schedule failed.</summary>
public enum ScheduleFailureKind
{
    /// <summary>A thread's body threw.</summary>
    Exception,

    /// <summary>The check after all threads finished threw.</summary>
    Check,

    /// <summary>No thread could run while some were waiting for locks.</summary>
    Deadlock,

    /// <summary>
    /// The running thread reached no scheduling point within the step timeout: it is blocked on
    /// something the explorer does not control, or loops without a point.
    /// </summary>
    Hang,

    /// <summary>The schedule took more steps than allowed, which suggests a livelock.</summary>
    StepLimit,
}
