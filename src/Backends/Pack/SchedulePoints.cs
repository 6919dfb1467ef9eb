namespace IrminSharp.Backends.Pack;

/// <summary>Named interleaving points of the pack engine (placeholder until the schedule explorer lands).</summary>
internal static class SchedulePoints
{
    public static void Reached(string label) => _ = label;
}
