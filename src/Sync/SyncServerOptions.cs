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

    /// <summary>The most connections served at once; a connection beyond is closed at once.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>The most connections from one address that may be in their TLS handshake at once.</summary>
    public int MaxHandshakesPerAddress { get; init; } = 16;

    /// <summary>Where the server reports connections and refusals, a line each; null for silence.</summary>
    public Action<string>? Log { get; init; }
}
