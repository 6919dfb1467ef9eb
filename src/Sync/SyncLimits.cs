namespace IrminSharp.Sync;

/// <summary>What one side accepts from a peer it does not trust.</summary>
public sealed record SyncLimits
{
    /// <summary>
    /// The defaults: 16 MiB frames, 8 MiB objects, trees 256 nodes deep, 30 s of silence, 10 s
    /// handshakes; per transfer 4 GiB and 4 Mi objects, stored every 4 MiB, within an hour; 16 GiB
    /// a connection; messages expanding at most 64 times plus 1 MiB; at least 1 KiB/s within a message.
    /// </summary>
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

    /// <summary>The most object bytes (after zlib and deltas are expanded) one transfer may bring; more is refused.</summary>
    /// <remarks>A transfer refused for its size keeps what it stored, so a retry resumes past it.</remarks>
    public long MaxTransferBytes { get; init; } = 4L << 30;

    /// <summary>The most objects one transfer may bring; more is refused.</summary>
    /// <remarks>The receiver remembers each hash of a transfer (about 60 bytes each: some 250 MiB at the default).</remarks>
    public long MaxTransferObjects { get; init; } = 4L << 20;

    /// <summary>The most object bytes (expanded) all the transfers of one connection may bring together.</summary>
    public long MaxConnectionBytes { get; init; } = 16L << 30;

    /// <summary>
    /// How much one objects or stream message may grow when expanded (zlib, then deltas): its
    /// objects hold at most this many times its bytes on the wire, plus <see cref="ExpansionAllowanceBytes"/>.
    /// </summary>
    public int MaxExpansionRatio { get; init; } = 64;

    /// <summary>The bytes one message may expand to beyond <see cref="MaxExpansionRatio"/> times its size.</summary>
    public int ExpansionAllowanceBytes { get; init; } = 1 << 20;

    /// <summary>
    /// The most bytes one objects or stream message may expand to, however small the ratio
    /// (never less than <see cref="MaxObjectBytes"/> plus <see cref="ExpansionAllowanceBytes"/>):
    /// what one message makes a receiver hold at once. A sender starts a new message before it.
    /// </summary>
    public int MaxMessageExpandedBytes { get; init; } = 32 << 20;

    /// <summary>A receiver makes what arrived durable whenever this many object bytes are waiting, so memory held stays bounded.</summary>
    public int StoreBatchBytes { get; init; } = 4 << 20;

    /// <summary>The longest one object transfer (a fetch's or a push's objects) may take; infinite or zero for no limit.</summary>
    public TimeSpan TransferTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The slowest a peer may send a message it has started: fewer bytes than this a second,
    /// averaged over <see cref="RateWindow"/>, and the connection is dropped. Waiting for a
    /// message that has not started is bounded by <see cref="IdleTimeout"/> instead. Zero for no minimum.
    /// </summary>
    public int MinBytesPerSecond { get; init; } = 1024;

    /// <summary>The span over which <see cref="MinBytesPerSecond"/> is averaged.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(60);
}
