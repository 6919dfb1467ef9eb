namespace IrminSharp.Compare;

/// <summary>The sync scenario's pushes of <paramref name="Commits"/> commits in one layout: IrminSharp's, and the peer's (null with <c>--peer none</c>).</summary>
internal sealed record SyncRow(string Layout, int Commits, PushMeasurement Irmin, PushMeasurement? Peer);
