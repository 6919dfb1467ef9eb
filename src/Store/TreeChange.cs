namespace IrminSharp.Store;

/// <summary>One contents path that differs between two trees.</summary>
/// <param name="Path">The path of the contents.</param>
/// <param name="Old">The old contents; null when added.</param>
/// <param name="New">The new contents; null when removed.</param>
public sealed record TreeChange(StorePath Path, Tree? Old, Tree? New)
{
    /// <summary>Added, removed or updated.</summary>
    public string Kind => Old is null ? "added" : New is null ? "removed" : "updated";
}
