namespace IrminSharp.Sync;

/// <summary>How a server authenticates clients and what it accepts from them.</summary>
public sealed record SyncServerOptions
{
    /// <summary>The server's certificate. Required unless <see cref="InsecureLoopback"/>.</summary>
    public SyncIdentity? Identity { get; init; }

    /// <summary>Fingerprints of the client certificates accepted; any other client is refused at the handshake.</summary>
    public IReadOnlyCollection<string> AllowedClients { get; init; } = [];

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
