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

    /// <summary>Creates the exception for a busy server that asked to be tried again after <paramref name="retryAfter"/>.</summary>
    public SyncException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = SyncErrorKind.Busy;
        RetryAfter = retryAfter;
    }

    /// <summary>Why the sync failed.</summary>
    public SyncErrorKind Kind { get; }

    /// <summary>For <see cref="SyncErrorKind.Busy"/>: how long the server asked the client to wait; null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
