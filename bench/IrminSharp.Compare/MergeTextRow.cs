namespace IrminSharp.Compare;

/// <summary>
/// One case of the <c>merge-text</c> scenario: the timed runs of IrminSharp's merge, of
/// <c>git merge-file</c> and of the git floor (<c>git --version</c>), in milliseconds (the peer's
/// null with <c>--peer none</c>); the conflicts each reported (0: merged cleanly); and how the two
/// outcomes compare.
/// </summary>
internal sealed record MergeTextRow(
    MergeTextCase Case,
    IReadOnlyList<double> IrminMilliseconds,
    int IrminConflicts,
    IReadOnlyList<double>? PeerMilliseconds,
    IReadOnlyList<double>? FloorMilliseconds,
    int? PeerConflicts,
    string Agreement)
{
    /// <summary>The median IrminSharp merge.</summary>
    public double IrminMedian => Median.Of(IrminMilliseconds);

    /// <summary>The median <c>git merge-file</c> process, or null without a peer.</summary>
    public double? PeerMedian => PeerMilliseconds is null ? null : Median.Of(PeerMilliseconds);

    /// <summary>The median <c>git --version</c> process, or null without a peer.</summary>
    public double? FloorMedian => FloorMilliseconds is null ? null : Median.Of(FloorMilliseconds);

    /// <summary>The median git merge less the median git floor: what git spent beyond starting a process.</summary>
    public double? PeerAboveFloor => PeerMedian - FloorMedian;

    /// <summary>Git's median time over IrminSharp's (above 1: IrminSharp is faster).</summary>
    public double? Ratio => PeerMedian / IrminMedian;

    /// <summary>(git − floor) over IrminSharp's median; null when git's median is not above the floor.</summary>
    public double? RatioAboveFloor => PeerAboveFloor is > 0 and var net ? net / IrminMedian : null;
}
