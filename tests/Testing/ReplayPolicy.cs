namespace IrminSharp.Testing;

/// <summary>Takes recorded choices in order, then the first enabled thread.</summary>
internal sealed class ReplayPolicy(IReadOnlyList<int> choices) : ISchedulePolicy
{
    private int position;

    public int Choose(List<ControlledThread> enabled, ControlledThread? current, int step) =>
        position < choices.Count ? Math.Min(choices[position++], enabled.Count - 1) : 0;
}
