using System.Collections.Immutable;

namespace IrminSharp.Store.Tests;

/// <summary>
/// A generated scenario for <see cref="ReplicaSimulation{T}"/>: how many replicas and paths, the
/// steps (edits and pulls, each a code decoded by <see cref="ReplicaStep.Decode"/>), and the seed
/// of the two orders in which observers merge every replica's head at the end.
/// </summary>
/// <param name="Replicas">The number of replicas (3 or 4).</param>
/// <param name="Paths">The number of paths (2 to 4, some nested).</param>
/// <param name="OrderSeed">The seed of the observers' merge orders.</param>
/// <param name="Steps">The step codes, in order.</param>
public sealed record ReplicaScript(int Replicas, int Paths, int OrderSeed, ImmutableArray<int> Steps)
{
    /// <summary>The steps, decoded.</summary>
    public IEnumerable<ReplicaStep> Decode() => Steps.Select(code => ReplicaStep.Decode(code, Replicas, Paths));

    /// <summary>
    /// Two different orders of the replicas (both permutations of 0 … <see cref="Replicas"/> − 1),
    /// drawn from <see cref="OrderSeed"/>; the second never starts with the first's first replica.
    /// </summary>
    public (int[] First, int[] Second) ObserverOrders()
    {
        var random = new Random(OrderSeed);
        var first = Enumerable.Range(0, Replicas).ToArray();
        var second = Enumerable.Range(0, Replicas).ToArray();
        random.Shuffle(first);
        random.Shuffle(second);
        if (second[0] == first[0])
        {
            (second[0], second[^1]) = (second[^1], second[0]);
        }

        return (first, second);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ReplicaScript({Replicas} replicas, {Paths} paths, order seed {OrderSeed}, steps [{string.Join(", ", Steps)}])";
}
