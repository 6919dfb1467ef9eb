namespace IrminSharp.Store;

/// <summary>How a transaction's commit lands when the head moved since it started.</summary>
public enum TransactionStrategy
{
    /// <summary>Rerun the transaction on the new head until the head is unchanged at commit.</summary>
    TestAndSet,

    /// <summary>Three-way merge the transaction's commit into the new head; no update is lost.</summary>
    Merge,

    /// <summary>Move the head to the transaction's commit whatever happened since (last writer wins).</summary>
    Set,
}
