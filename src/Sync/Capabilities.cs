namespace IrminSharp.Sync;

/// <summary>Optional protocol features, announced in hello and welcome; one is used when both sides announce it.</summary>
internal static class Capabilities
{
    /// <summary>Objects may be sent as a delta against an older object the receiver holds.</summary>
    public const string Delta = "delta";

    /// <summary>
    /// Once the receiver has needed a whole batch of offered hashes, the sender may send the rest
    /// without offering them (a clone then does not pay 32 bytes an object for its offers).
    /// </summary>
    public const string Stream = "stream";

    /// <summary>Objects and stream messages may travel zlib-compressed (message types 15 and 16).</summary>
    public const string Zlib = "zlib";

    /// <summary>What this implementation announces.</summary>
    public static readonly IReadOnlyList<string> Supported = [Delta, Stream, Zlib];

    /// <summary>Whether both sides announced <paramref name="capability"/>.</summary>
    public static bool Shared(IReadOnlyList<string> peer, string capability) =>
        peer.Contains(capability) && Supported.Contains(capability);
}
