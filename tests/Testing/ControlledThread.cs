using IrminSharp.Store;

namespace IrminSharp.Testing;

/// <summary>A real thread that runs only when its schedule hands it the turn.</summary>
internal sealed class ControlledThread(ControlledRun run, int index, Action body)
{
    public ControlledRun Run { get; } = run;

    public int Index { get; } = index;

    public string Name { get; } = "t" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Action Body { get; } = body;

    /// <summary>Released once each time the thread is given the turn, and when the schedule stops.</summary>
    public SemaphoreSlim Turn { get; } = new(0);

    /// <summary>The step the thread takes when it is next chosen.</summary>
    public ScheduleStepKind PendingKind { get; set; } = ScheduleStepKind.Start;

    public string PendingLabel { get; set; } = "start";

    /// <summary>The lock the thread waits for; it cannot run while another thread holds it.</summary>
    public ScheduledLock? Wants { get; set; }

    /// <summary>The label of the last step the thread took.</summary>
    public string LastLabel { get; set; } = "(not started)";

    public bool Done { get; set; }
}
