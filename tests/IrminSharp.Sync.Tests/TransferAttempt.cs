using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// How one transfer through a cutting proxy went: how it failed (null: it completed), the objects
/// it moved, the objects the retry then moved, and the bytes that went through the proxy.
/// </summary>
public sealed record TransferAttempt(SyncErrorKind? Failure, long FirstObjects, long RetryObjects, long BytesForwarded);
