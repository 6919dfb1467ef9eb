namespace IrminSharp.Store;

/// <summary>The kinds of stored object.</summary>
public enum ObjectKind : byte
{
    /// <summary>Encoded user value.</summary>
    Contents = 1,

    /// <summary>A directory stored flat, or a leaf of a directory's hash trie.</summary>
    Node = 2,

    /// <summary>An inner node of a large directory's hash trie.</summary>
    Inode = 3,

    /// <summary>A commit.</summary>
    Commit = 4,
}
