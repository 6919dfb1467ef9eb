namespace IrminSharp.Sync;

/// <summary>How a client authenticates itself and the server, and what it accepts from it.</summary>
public sealed record RemoteOptions
{
    /// <summary>The client's certificate, presented to the server. Required unless <see cref="InsecureLoopback"/>.</summary>
    public SyncIdentity? Identity { get; init; }

    /// <summary>The fingerprint the server's certificate must have. Required unless <see cref="InsecureLoopback"/>.</summary>
    public string? ServerFingerprint { get; init; }

    /// <summary>Plain TCP, no TLS and no authentication: refused unless the server's address is loopback.</summary>
    public bool InsecureLoopback { get; init; }

    /// <summary>What is accepted from the server.</summary>
    public SyncLimits Limits { get; init; } = SyncLimits.Default;

    /// <summary>How long connecting (name lookup, TCP and TLS together) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The local address to connect from (any free port on it), such as 127.0.0.2 to appear to a
    /// server on loopback as another host; null lets the system choose.
    /// </summary>
    public System.Net.IPAddress? LocalAddress { get; init; }

    /// <summary>
    /// How long, from the first attempt, a request is retried when the server is busy or the
    /// connection is refused, reset or lost: no retry starts after it. Zero: no retry.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The bound of the first retry's random wait; it doubles with each retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest bound of a retry's random wait (a busy server's own delay comes on top).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Called before each retry's wait, to show that the client is waiting; null for silence.</summary>
    public Action<SyncRetry>? Retrying { get; init; }
}
