namespace IrminSharp.Testing;

/// <summary>A schedule failed; the message is the whole report, with the replay id and the trace.</summary>
public sealed class ScheduleFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    public ScheduleFailedException(ScheduleFailure failure)
        : base(failure?.ToString(), failure?.Exception)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Failure = failure;
    }

    /// <summary>The failed schedule.</summary>
    public ScheduleFailure Failure { get; }
}
