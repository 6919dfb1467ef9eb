using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Merge.Tests;

/// <summary>
/// FsCheck generators of edit scripts for add-wins sets: arrays of up to six codes in 0–26, each
/// naming an element (code % 3), an edit (code / 3 % 3: add, remove, remove then add) and, in a
/// history shared by the replicas, the replica (code / 9). Few elements and short scripts make
/// concurrent edits of one element common.
/// </summary>
public static class OrSetEditScripts
{
    /// <summary>The number of distinct codes.</summary>
    public const int Codes = 27;

    /// <summary>Edit scripts; they shrink to shorter scripts of smaller codes.</summary>
    public static Arbitrary<int[]> Scripts() => Arb.From(
        Gen.Choose(0, 6).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, Codes - 1), length)),
        script => ArbMap.Default.ArbFor<int[]>().Shrinker(script).Where(s => s.All(code => code is >= 0 and < Codes)));
}
