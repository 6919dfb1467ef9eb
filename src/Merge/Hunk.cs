namespace IrminSharp.Merge;

/// <summary>
/// One change of an edit script: base elements [<paramref name="BaseStart"/>, <paramref name="BaseEnd"/>)
/// replaced by side elements [<paramref name="SideStart"/>, <paramref name="SideEnd"/>). An empty base
/// range is an insertion, an empty side range a deletion.
/// </summary>
/// <param name="BaseStart">The first base element replaced.</param>
/// <param name="BaseEnd">One past the last base element replaced.</param>
/// <param name="SideStart">The first side element put in their place.</param>
/// <param name="SideEnd">One past the last side element put in their place.</param>
internal readonly record struct Hunk(int BaseStart, int BaseEnd, int SideStart, int SideEnd);
