namespace IrminSharp.Sync;

/// <summary>Why a sync failed, for exit codes and for callers that retry.</summary>
public enum SyncErrorKind
{
    /// <summary>The peer could not be reached, or the connection dropped.</summary>
    Unreachable,

    /// <summary>
    /// The TLS handshake failed (a certificate missing, unknown or not the pinned one), or the
    /// client is not granted what it asked (a push where it may only read, a force without the grant).
    /// </summary>
    Unauthorized,

    /// <summary>The peer holds another schema or content type, or speaks another protocol version.</summary>
    Incompatible,

    /// <summary>The peer refused the request (no such store, branch or commit).</summary>
    Refused,

    /// <summary>The remote branch has commits the local one lacks: fetch and merge first.</summary>
    Diverged,

    /// <summary>The peer broke the protocol: a malformed frame, an object that fails its checks.</summary>
    Protocol,

    /// <summary>The peer stayed silent longer than the idle timeout.</summary>
    Timeout,

    /// <summary>
    /// The server is busy (its handshake queue or its sessions are full): try again later,
    /// after <see cref="SyncException.RetryAfter"/> when it said.
    /// </summary>
    Busy,
}
