namespace IrminSharp.Store;

/// <summary>One entry of a node: a step naming a contents object or a child node.</summary>
/// <param name="Step">The entry's name within its node.</param>
/// <param name="Kind">Whether it names contents or a node.</param>
/// <param name="Hash">The hash of the object it names.</param>
/// <param name="Metadata">Schema-defined metadata (a file mode in the Git schema); 0 by default.</param>
public readonly record struct NodeEntry(string Step, EntryKind Kind, Hash Hash, uint Metadata = 0);
