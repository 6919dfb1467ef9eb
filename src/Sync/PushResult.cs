using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>What a push did: the remote branch moved from <paramref name="Old"/> to <paramref name="New"/> (equal: already up to date).</summary>
public sealed record PushResult(string Branch, Hash? Old, Hash New, TransferProgress Sent, long WireBytesReceived)
{
    /// <summary>Whether the remote already had the commit.</summary>
    public bool UpToDate => Old == New;
}
