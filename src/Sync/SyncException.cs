using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>A sync that failed; <see cref="Kind"/> says why.</summary>
public sealed class SyncException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public SyncException(SyncErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the sync failed.</summary>
    public SyncErrorKind Kind { get; }
}
