namespace IrminSharp.Sync;

/// <summary>How far a transfer has come: objects and their bytes moved so far, and bytes on the wire.</summary>
public readonly record struct TransferProgress(long Objects, long ObjectBytes, long WireBytes);
