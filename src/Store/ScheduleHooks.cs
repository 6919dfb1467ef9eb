namespace IrminSharp.Store;

/// <summary>
/// Where a test installs an <see cref="IScheduleController"/>. With none installed, which is
/// always the case outside tests, <see cref="ScheduledLock"/> is a plain lock and
/// <see cref="SchedulePoint.Here"/> does nothing; each checks one static field for null.
/// </summary>
/// <remarks>At most one controller is installed at a time, for the whole process.</remarks>
public static class ScheduleHooks
{
    private static readonly Lock InstallGate = new();

    // Read on every hooked lock acquisition and point: a plain load on x64 when null.
    internal static volatile IScheduleController? Installed;

    /// <summary>The installed controller, or null.</summary>
    public static IScheduleController? Current => Installed;

    /// <summary>Installs <paramref name="controller"/> for the whole process.</summary>
    /// <exception cref="InvalidOperationException">Another controller is installed.</exception>
    public static void Install(IScheduleController controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        lock (InstallGate)
        {
            if (Installed is { } other && !ReferenceEquals(other, controller))
            {
                throw new InvalidOperationException("Another schedule controller is installed.");
            }

            Installed = controller;
        }
    }

    /// <summary>Removes <paramref name="controller"/> if it is the one installed.</summary>
    public static void Uninstall(IScheduleController controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        lock (InstallGate)
        {
            if (ReferenceEquals(Installed, controller))
            {
                Installed = null;
            }
        }
    }
}
