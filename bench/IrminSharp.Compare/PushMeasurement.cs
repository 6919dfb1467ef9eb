namespace IrminSharp.Compare;

/// <summary>A store's timed pushes of <paramref name="Commits"/> commits each, and the untimed setup before them.</summary>
internal sealed record PushMeasurement(string Store, int Commits, IReadOnlyList<PushRound> Rounds, TimeSpan Setup)
{
    /// <summary>The median push time, in milliseconds.</summary>
    public double MedianMilliseconds => Median.Of(Rounds.Select(r => r.Elapsed.TotalMilliseconds));

    /// <summary>The median bytes on the wire of one push.</summary>
    public long MedianWireBytes => (long)Median.Of(Rounds.Select(r => (double)r.WireBytes));

    /// <summary>The median objects sent by one push, where the store reports them.</summary>
    public long? MedianObjects => Rounds.All(r => r.Objects is not null) ? (long)Median.Of(Rounds.Select(r => (double)r.Objects!.Value)) : null;

    /// <summary>The median encoded bytes of the objects one push sent, where the store reports them.</summary>
    public long? MedianObjectBytes => Rounds.All(r => r.ObjectBytes is not null) ? (long)Median.Of(Rounds.Select(r => (double)r.ObjectBytes!.Value)) : null;
}
