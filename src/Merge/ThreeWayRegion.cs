namespace IrminSharp.Merge;

/// <summary>
/// A stretch of a three-way comparison where at least one side changed the base: base elements
/// [<paramref name="BaseStart"/>, <paramref name="BaseEnd"/>) stand as ours
/// [<paramref name="OursStart"/>, <paramref name="OursEnd"/>) and as theirs
/// [<paramref name="TheirsStart"/>, <paramref name="TheirsEnd"/>). A side that did not change the
/// stretch holds the base elements there.
/// </summary>
/// <param name="BaseStart">The first base element of the stretch.</param>
/// <param name="BaseEnd">One past the last base element of the stretch.</param>
/// <param name="OursStart">The first of our elements for the stretch.</param>
/// <param name="OursEnd">One past the last of our elements for the stretch.</param>
/// <param name="TheirsStart">The first of their elements for the stretch.</param>
/// <param name="TheirsEnd">One past the last of their elements for the stretch.</param>
internal readonly record struct ThreeWayRegion(int BaseStart, int BaseEnd, int OursStart, int OursEnd, int TheirsStart, int TheirsEnd);
