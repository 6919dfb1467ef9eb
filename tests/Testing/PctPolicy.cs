namespace IrminSharp.Testing;

/// <summary>
/// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010):
/// threads get distinct random priorities at or above d; the highest enabled one runs; at the
/// i-th of d-1 random change steps in [1, k] the running thread's priority drops to d-i.
/// </summary>
internal sealed class PctPolicy : ISchedulePolicy
{
    private readonly int[] priorities;
    private readonly int[] changeSteps;

    public PctPolicy(ulong seed, int threads, int depth, int steps)
    {
        var random = new SplitMix64(seed);
        priorities = new int[threads];
        for (var i = 0; i < threads; i++)
        {
            priorities[i] = depth + i;
        }

        for (var i = threads - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (priorities[i], priorities[j]) = (priorities[j], priorities[i]);
        }

        // d-1 distinct steps in [1, k], in the order drawn: the i-th lowers to d-1-i.
        var count = Math.Min(depth - 1, steps);
        var chosen = new List<int>(count);
        while (chosen.Count < count)
        {
            var candidate = 1 + random.Next(steps);
            if (!chosen.Contains(candidate))
            {
                chosen.Add(candidate);
            }
        }

        changeSteps = [.. chosen];
    }

    public int Choose(List<ControlledThread> enabled, ControlledThread? current, int step)
    {
        var change = Array.IndexOf(changeSteps, step);
        if (change >= 0 && current is not null)
        {
            priorities[current.Index] = changeSteps.Length - change;
        }

        var best = 0;
        for (var i = 1; i < enabled.Count; i++)
        {
            if (priorities[enabled[i].Index] > priorities[enabled[best].Index])
            {
                best = i;
            }
        }

        return best;
    }
}
