namespace IrminSharp.Sync;

/// <summary>A refusal sent to the peer before the sender closes or goes on.</summary>
internal sealed record ErrorMessage(SyncErrorKind Kind, string Message);
