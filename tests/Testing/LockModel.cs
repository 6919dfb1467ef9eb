namespace IrminSharp.Testing;

/// <summary>Who holds a <c>ScheduledLock</c> in a schedule, and how many times.</summary>
internal sealed class LockModel
{
    public ControlledThread? Owner { get; set; }

    public int Count { get; set; }
}
