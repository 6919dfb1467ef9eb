namespace IrminSharp.Sync;

/// <summary>How a server authenticates clients and what it accepts from them.</summary>
public sealed record SyncServerOptions
{
    /// <summary>The server's certificate. Required unless <see cref="InsecureLoopback"/>.</summary>
    public SyncIdentity? Identity { get; init; }

    /// <summary>
    /// Fingerprints of client certificates that may read and push (without force) on every served
    /// store; more precise grants go in <see cref="Authorization"/>. A client in neither is refused
    /// at the handshake.
    /// </summary>
    public IReadOnlyCollection<string> AllowedClients { get; init; } = [];

    /// <summary>Grants by client and store (read, write, force), beside <see cref="AllowedClients"/>.</summary>
    public SyncAuthorization Authorization { get; init; } = SyncAuthorization.None;

    /// <summary>
    /// What a client may do on every store under <see cref="InsecureLoopback"/>, where clients have
    /// no certificate to tell them apart: everything unless narrowed.
    /// </summary>
    public StoreAccess InsecureLoopbackAccess { get; init; } = StoreAccess.Force;

    /// <summary>Plain TCP, no TLS and no authentication: refused unless listening on a loopback address.</summary>
    public bool InsecureLoopback { get; init; }

    /// <summary>What is accepted from a client.</summary>
    public SyncLimits Limits { get; init; } = SyncLimits.Default;

    /// <summary>
    /// The most sessions served at once: connections past their handshake, plus handshakes under
    /// way (which are at most <see cref="MaxConcurrentHandshakes"/>). Connections waiting for a
    /// handshake do not count. A connection beyond is answered busy.
    /// </summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>The most TLS handshakes under way at once (they are CPU-bound); connections beyond wait in the handshake queue.</summary>
    public int MaxConcurrentHandshakes { get; init; } = 64;

    /// <summary>
    /// The most handshake slots one address may hold while connections from other addresses wait
    /// for one; null for half of <see cref="MaxConcurrentHandshakes"/>. When no one else waits, an
    /// address may use the whole pool (many devices behind one NAT).
    /// </summary>
    public int? MaxHandshakesPerAddress { get; init; }

    /// <summary>The most connections accepted and waiting for their handshake; one more is answered busy.</summary>
    public int MaxQueuedHandshakes { get; init; } = 1024;

    /// <summary>How long an accepted connection may wait for its handshake to start (for its first bytes, then for a slot) before it is answered busy.</summary>
    public TimeSpan HandshakeQueueTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The retry delay a busy answer gives when the queue is short; it grows with the queue, up to <see cref="MaxBusyRetryAfter"/>.</summary>
    public TimeSpan BusyRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay a busy answer gives.</summary>
    public TimeSpan MaxBusyRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most sessions one client certificate may hold at once; one more is answered busy after
    /// its handshake. One allowed device cannot take every slot (each device has its own certificate).
    /// </summary>
    public int MaxSessionsPerClient { get; init; } = 32;

    /// <summary>
    /// The longest a session may last, whatever it does: a client sending a small request now and
    /// then holds its slot no longer than this. What a cut transfer received stays stored.
    /// </summary>
    public TimeSpan MaxSessionDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most busy answers being written at once (each holds its socket up to a second); a
    /// connection beyond is closed at once, which a client retries as it retries a busy answer.
    /// </summary>
    public int MaxBusyAnswers { get; init; } = 256;

    /// <summary>Where the server reports connections and refusals, a line each; null for silence.</summary>
    public Action<string>? Log { get; init; }
}
