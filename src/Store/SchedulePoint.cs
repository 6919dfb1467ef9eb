using System.Runtime.CompilerServices;

namespace IrminSharp.Store;

/// <summary>
/// Marks a place where a schedule explorer may switch to another thread, such as between
/// writing a batch and flushing it. In production it does nothing.
/// </summary>
public static class SchedulePoint
{
    /// <summary>
    /// A no-op unless a test has installed an <see cref="IScheduleController"/>; then another
    /// controlled thread may run before this one goes on.
    /// </summary>
    /// <param name="label">A constant that names the place; it appears in failure traces.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Here(string label)
    {
        if (ScheduleHooks.Installed is { } controller)
        {
            controller.OnPoint(label);
        }
    }
}
