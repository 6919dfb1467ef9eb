namespace IrminSharp.Store;

/// <summary>What a merge with conflicts puts at each conflicting path of the tree it returns.</summary>
public enum ConflictResolution
{
    /// <summary>Nothing: the conflicting paths are left out of the merged tree.</summary>
    LeaveOut,

    /// <summary>Our version of each conflicting path (absent where we removed it).</summary>
    Ours,

    /// <summary>Their version of each conflicting path (absent where they removed it).</summary>
    Theirs,
}
