namespace IrminSharp.Merge;

/// <summary>The stored objects of a conflict's three versions, each described as <c>contents &lt;hash&gt;</c> or <c>node &lt;hash&gt;</c>; null where a version is absent.</summary>
/// <param name="Base">The ancestor's object.</param>
/// <param name="Ours">Our object.</param>
/// <param name="Theirs">Their object.</param>
public sealed record ConflictObjects(string? Base, string? Ours, string? Theirs);
