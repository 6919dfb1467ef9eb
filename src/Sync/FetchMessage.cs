using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>The commits a client wants and the commits it has.</summary>
internal sealed record FetchMessage(IReadOnlyList<Hash> Wants, IReadOnlyList<Hash> Haves);
