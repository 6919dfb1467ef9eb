namespace IrminSharp.Store;

/// <summary>How a transaction's commit lands when the head moved since it started.</summary>
/// <remarks>
/// Under every strategy the head moves by compare-and-swap from the head the commit was built
/// on, so the commits of concurrent writers stay in the branch's history.
/// </remarks>
public enum TransactionStrategy
{
    /// <summary>Rerun the transaction on the new head until the head is unchanged at commit.</summary>
    TestAndSet,

    /// <summary>Three-way merge the transaction's commit into the new head; no update is lost.</summary>
    Merge,

    /// <summary>
    /// Apply the transaction's changes on top of the new head, without rerunning it: every path
    /// the transaction wrote or removed (the difference from its snapshot's tree to its tree)
    /// takes the transaction's value there, and every other path keeps the new head's. The commit's
    /// parent is the new head, so no concurrent commit leaves the history and concurrent writes to
    /// other paths are kept; at a path both wrote, the transaction's value wins, with no merge of
    /// the two values.
    /// </summary>
    Set,
}
