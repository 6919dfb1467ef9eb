namespace IrminSharp.Store;

/// <summary>
/// An object a peer lacks, and the older object it replaces at the same place in the tree (the
/// peer holds that one, or receives it first), which a transfer may use as a delta base.
/// </summary>
public readonly record struct MissingObject(Hash Hash, Hash? DeltaBase);
