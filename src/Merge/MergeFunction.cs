namespace IrminSharp.Merge;

/// <summary>
/// A three-way merge: given the lazily computed common ancestor and the two sides, returns the
/// merged value or the conflicts.
/// </summary>
/// <typeparam name="T">The type of the values merged.</typeparam>
/// <param name="ancestor">The common ancestor; forced only when needed.</param>
/// <param name="ours">Our version.</param>
/// <param name="theirs">Their version.</param>
public delegate MergeResult<T> MergeFunction<T>(Ancestor<T> ancestor, T ours, T theirs);
