namespace IrminSharp.Sync;

/// <summary>The optional features both sides announced, so a transfer may use them.</summary>
internal readonly record struct AgreedFeatures(bool Deltas, bool Stream, bool Compression)
{
    /// <summary>What this side and a peer announcing <paramref name="peerCapabilities"/> share.</summary>
    public static AgreedFeatures With(IReadOnlyList<string> peerCapabilities) => new(
        Capabilities.Shared(peerCapabilities, Capabilities.Delta),
        Capabilities.Shared(peerCapabilities, Capabilities.Stream),
        Capabilities.Shared(peerCapabilities, Capabilities.Zlib));
}
