namespace IrminSharp.Sync;

/// <summary>What one side accepts from a peer it does not trust.</summary>
public sealed record SyncLimits
{
    /// <summary>The defaults: 16 MiB frames, 8 MiB objects, trees 256 nodes deep, 30 s of silence, 10 s handshakes.</summary>
    public static SyncLimits Default { get; } = new();

    /// <summary>The largest frame accepted (type byte and body).</summary>
    public int MaxFrameBytes { get; init; } = 16 << 20;

    /// <summary>The largest encoded object accepted.</summary>
    public int MaxObjectBytes { get; init; } = 8 << 20;

    /// <summary>The deepest tree accepted, counted in node objects from the root (trie levels included).</summary>
    /// <remarks>Tree walks recurse; 256 levels keep them far from the end of a 1 MiB thread stack.</remarks>
    public int MaxTreeDepth { get; init; } = 256;

    /// <summary>How long a peer may stay silent when an answer is due before the connection is dropped.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a server gives a new connection to finish its TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most refs a store holds: a server refuses a push that would create one more, and a
    /// client refuses a server that lists more.
    /// </summary>
    public int MaxRefs { get; init; } = 10_000;

    /// <summary>The most ref updates (pushes) a server accepts on one connection.</summary>
    public int MaxRefUpdatesPerConnection { get; init; } = 1_000;

    /// <summary>The most hashes offered in one batch.</summary>
    public int MaxOfferHashes { get; init; } = 4096;
}
