namespace IrminSharp.Store;

/// <summary>A store's head moved.</summary>
/// <param name="Old">The previous head; null when the branch was created.</param>
/// <param name="New">The new head; null when the branch was deleted.</param>
public sealed record HeadChange(Commit? Old, Commit? New);
