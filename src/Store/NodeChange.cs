namespace IrminSharp.Store;

/// <summary>One change to apply to a stored node: set an entry, or remove a step.</summary>
/// <param name="Step">The step changed.</param>
/// <param name="Entry">The new entry, or null to remove the step.</param>
internal readonly record struct NodeChange(string Step, NodeEntry? Entry);
