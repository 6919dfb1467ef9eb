using System.Globalization;

namespace IrminSharp.Testing;

/// <summary>What an exploration that found no failure covered.</summary>
public sealed class ExploreResult
{
    internal ExploreResult(int schedules, int distinctInterleavings, bool exhausted, int maxSteps, TimeSpan elapsed)
    {
        Schedules = schedules;
        DistinctInterleavings = distinctInterleavings;
        Exhausted = exhausted;
        MaxSteps = maxSteps;
        Elapsed = elapsed;
    }

    /// <summary>How many schedules ran.</summary>
    public int Schedules { get; }

    /// <summary>How many of them differed in the order of their steps.</summary>
    public int DistinctInterleavings { get; }

    /// <summary>Whether DFS ran every interleaving within its depth.</summary>
    public bool Exhausted { get; }

    /// <summary>The most steps one schedule took.</summary>
    public int MaxSteps { get; }

    /// <summary>The time the exploration took.</summary>
    public TimeSpan Elapsed { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Schedules} schedules{(Exhausted ? " (all)" : "")}, {DistinctInterleavings} distinct interleavings, at most {MaxSteps} steps, {Elapsed.TotalSeconds:0.00} s ({Schedules / Math.Max(Elapsed.TotalSeconds, 1e-9):0} schedules/s)");
}
