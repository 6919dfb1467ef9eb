using System.Globalization;
using System.Text;

namespace IrminSharp.Testing;

/// <summary>A schedule that failed, with what it takes to understand and replay it.</summary>
public sealed class ScheduleFailure
{
    private const int TraceHead = 100;
    private const int TraceTail = 300;

    internal ScheduleFailure(ScheduleFailureKind kind, ScheduleId id, string message, Exception? exception, IReadOnlyList<ScheduleStep> trace)
    {
        Kind = kind;
        Id = id;
        Message = message;
        Exception = exception;
        Trace = trace;
    }

    /// <summary>Why it failed.</summary>
    public ScheduleFailureKind Kind { get; }

    /// <summary>The schedule, for <see cref="ScheduleExplorer.Replay"/>.</summary>
    public ScheduleId Id { get; }

    /// <summary>What went wrong, in one or a few lines.</summary>
    public string Message { get; }

    /// <summary>What a thread or the check threw, if anything.</summary>
    public Exception? Exception { get; }

    /// <summary>The steps of the schedule up to the failure.</summary>
    public IReadOnlyList<ScheduleStep> Trace { get; }

    /// <summary>How many schedules the exploration had run, this one included.</summary>
    public int SchedulesExplored { get; internal set; } = 1;

    /// <summary>How many distinct interleavings those schedules had.</summary>
    public int DistinctInterleavings { get; internal set; } = 1;

    /// <summary>The whole report: the failure, how to replay it, the trace, and the exception.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"Schedule {Id.Index} failed ({Kind}) after {SchedulesExplored} schedules, {DistinctInterleavings} distinct interleavings.").AppendLine();
        text.AppendLine(Message);
        text.Append(culture, $"Replay: ScheduleExplorer.Replay(ScheduleId.Parse(\"{Id}\"), setup, check)").AppendLine();
        text.Append(culture, $"Trace ({Trace.Count} steps):").AppendLine();
        for (var i = 0; i < Trace.Count; i++)
        {
            if (Trace.Count > TraceHead + TraceTail && i == TraceHead)
            {
                text.Append(culture, $"  ... {Trace.Count - TraceHead - TraceTail} steps ...").AppendLine();
                i = Trace.Count - TraceTail;
            }

            text.Append(culture, $"  {i + 1,5} {Trace[i]}").AppendLine();
        }

        if (Exception is not null)
        {
            text.AppendLine(Exception.ToString());
        }

        return text.ToString();
    }
}
