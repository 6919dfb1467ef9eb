namespace IrminSharp.Store;

/// <summary>
/// Decides which thread runs next at each <see cref="ScheduledLock"/> acquisition and
/// <see cref="SchedulePoint"/>. Only a schedule explorer in tests implements this; production
/// code never installs one.
/// </summary>
/// <remarks>
/// A controller is called on every thread that reaches a hook, including threads it does not
/// control: it must return at once for those. For a controlled thread, <see cref="OnPoint"/> and
/// <see cref="OnAcquiring"/> may block until the controller chooses that thread again, and may
/// throw to end a schedule early. <see cref="OnReleased"/> never blocks and never throws.
/// </remarks>
public interface IScheduleController
{
    /// <summary>The calling thread reached <see cref="SchedulePoint.Here"/> with <paramref name="label"/>.</summary>
    void OnPoint(string label);

    /// <summary>
    /// The calling thread is about to take <paramref name="gate"/>. Returns when the thread may
    /// take the real lock without waiting for another controlled thread.
    /// </summary>
    void OnAcquiring(ScheduledLock gate);

    /// <summary>The calling thread has just released <paramref name="gate"/> once.</summary>
    void OnReleased(ScheduledLock gate);
}
