using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Store.Tests;

/// <summary>
/// FsCheck generators of <see cref="ReplicaScript"/>s: 3–4 replicas, 2–4 paths, and up to about
/// 40 steps whose codes are spread evenly over every kind of step, so that concurrent edits of one
/// path and pulls in every direction are common. Scripts shrink to fewer replicas, fewer paths,
/// and shorter scripts of smaller codes.
/// </summary>
public static class ReplicaScripts
{
    /// <summary>The arbitrary of replica scripts.</summary>
    public static Arbitrary<ReplicaScript> Scripts() => Arb.From(Generate(), Shrink);

    private static Gen<ReplicaScript> Generate() =>
        from replicas in Gen.Choose(3, 4)
        from paths in Gen.Choose(2, 4)
        from seed in Gen.Choose(0, int.MaxValue)
        from length in Gen.Sized(size => Gen.Choose(0, 6 + (size / 3)))
        from steps in Gen.ArrayOf(Gen.Choose(0, ReplicaStep.Codes - 1), length)
        select new ReplicaScript(replicas, paths, seed, [.. steps]);

    private static IEnumerable<ReplicaScript> Shrink(ReplicaScript script)
    {
        if (script.Replicas > 3)
        {
            yield return script with { Replicas = 3 };
        }

        if (script.Paths > 2)
        {
            yield return script with { Paths = script.Paths - 1 };
        }

        var shorter = ArbMap.Default.ArbFor<int[]>().Shrinker([.. script.Steps])
            .Where(steps => steps.All(code => code is >= 0 and < ReplicaStep.Codes));
        foreach (var steps in shorter)
        {
            yield return script with { Steps = [.. steps] };
        }
    }
}
