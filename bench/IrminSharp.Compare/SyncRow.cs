namespace IrminSharp.Compare;

/// <summary>
/// One row of the sync scenario in one layout: clones of the whole store (<paramref name="Commits"/> 0),
/// or pushes of <paramref name="Commits"/> commits; IrminSharp's, and the peer's (null with <c>--peer none</c>).
/// </summary>
internal sealed record SyncRow(string Layout, int Commits, PushMeasurement Irmin, PushMeasurement? Peer)
{
    /// <summary>What was timed: <c>clone</c> or <c>push</c>.</summary>
    public string Operation => Commits == 0 ? "clone" : "push";
}
