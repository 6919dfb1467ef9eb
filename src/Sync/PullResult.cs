using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>What a pull did: its fetch, and the local branch's move from <paramref name="Old"/> to <paramref name="New"/>.</summary>
public sealed record PullResult(FetchResult Fetch, string Branch, Hash? Old, Hash New);
