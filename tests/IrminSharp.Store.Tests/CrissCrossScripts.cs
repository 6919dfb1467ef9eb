using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Store.Tests;

/// <summary>
/// FsCheck generators of <see cref="CrissCrossScript"/>s: 2–4 paths, 2 to about 14 edits before
/// the criss-cross and up to about 12 after. They shrink to fewer paths and shorter scripts of
/// smaller codes.
/// </summary>
public static class CrissCrossScripts
{
    /// <summary>The arbitrary of criss-cross scripts.</summary>
    public static Arbitrary<CrissCrossScript> Scripts() => Arb.From(Generate(), Shrink);

    private static Gen<CrissCrossScript> Generate() =>
        from paths in Gen.Choose(2, 4)
        from agreed in Gen.Choose(0, 9)
        from before in Edits(2)
        from after in Edits(0)
        select new CrissCrossScript(paths, agreed, [.. before], [.. after]);

    private static Gen<int[]> Edits(int atLeast) =>
        Gen.Sized(size => Gen.Choose(atLeast, atLeast + 2 + (size / 10))).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, CrissCrossScript.Codes - 1), length));

    private static IEnumerable<CrissCrossScript> Shrink(CrissCrossScript script)
    {
        if (script.Paths > 2)
        {
            yield return script with { Paths = script.Paths - 1 };
        }

        foreach (var before in ShorterEdits(script.Before))
        {
            yield return script with { Before = before };
        }

        foreach (var after in ShorterEdits(script.After))
        {
            yield return script with { After = after };
        }
    }

    private static IEnumerable<ImmutableArray<int>> ShorterEdits(ImmutableArray<int> edits) =>
        ArbMap.Default.ArbFor<int[]>().Shrinker([.. edits])
            .Where(codes => codes.All(code => code is >= 0 and < CrissCrossScript.Codes))
            .Select(codes => ImmutableArray.Create(codes));
}
