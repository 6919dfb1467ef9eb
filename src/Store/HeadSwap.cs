namespace IrminSharp.Store;

/// <summary>How an attempt to move a head by compare-and-swap ended.</summary>
internal enum HeadSwap
{
    /// <summary>The head moved to the new commit.</summary>
    Moved,

    /// <summary>The head was not where the attempt expected; nothing moved.</summary>
    HeadMoved,

    /// <summary>A gc ran during the attempt; nothing moved, and the attempt must run again.</summary>
    Collected,
}
