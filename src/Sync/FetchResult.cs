using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>What a fetch did.</summary>
public sealed record FetchResult(
    IReadOnlyList<KeyValuePair<string, Hash>> RemoteRefs,
    IReadOnlyList<RefMove> Moved,
    TransferProgress Received,
    long WireBytesSent);
