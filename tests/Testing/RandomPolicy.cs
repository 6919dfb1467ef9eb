namespace IrminSharp.Testing;

/// <summary>A uniformly random enabled thread at every step.</summary>
internal sealed class RandomPolicy(ulong seed) : ISchedulePolicy
{
    private SplitMix64 random = new(seed);

    public int Choose(List<ControlledThread> enabled, ControlledThread? current, int step) => random.Next(enabled.Count);
}
