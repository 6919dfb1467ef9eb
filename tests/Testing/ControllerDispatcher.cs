using IrminSharp.Store;

namespace IrminSharp.Testing;

/// <summary>
/// The one controller installed in the process while any exploration runs. It hands each hook
/// to the schedule of the calling thread, and ignores threads that no schedule controls, so
/// other tests running alongside see plain locks.
/// </summary>
internal sealed class ControllerDispatcher : IScheduleController
{
    private static readonly ControllerDispatcher Instance = new();
    private static readonly Lock Gate = new();
    private static int users;

    [ThreadStatic]
    private static ControlledThread? current;

    public static ControlledThread? Current
    {
        get => current;
        set => current = value;
    }

    public static void Acquire()
    {
        lock (Gate)
        {
            if (users++ == 0)
            {
                ScheduleHooks.Install(Instance);
            }
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            if (--users == 0)
            {
                ScheduleHooks.Uninstall(Instance);
            }
        }
    }

    public void OnPoint(string label)
    {
        if (current is { } thread)
        {
            thread.Run.Point(thread, ScheduleStepKind.Point, label, null);
        }
    }

    public void OnAcquiring(ScheduledLock gate)
    {
        if (current is { } thread)
        {
            thread.Run.Acquiring(thread, gate);
        }
    }

    public void OnReleased(ScheduledLock gate)
    {
        if (current is { } thread)
        {
            thread.Run.Released(thread, gate);
        }
    }
}
