namespace IrminSharp.Store;

/// <summary>What a node entry points to.</summary>
public enum EntryKind : byte
{
    /// <summary>A contents object: a user value.</summary>
    Contents = 0,

    /// <summary>A node: a directory.</summary>
    Node = 1,
}
