namespace IrminSharp.Store;

/// <summary>A resolved path under a root node: the key of the path lookup cache.</summary>
internal readonly record struct PathLookup(Hash Root, StorePath Path);
