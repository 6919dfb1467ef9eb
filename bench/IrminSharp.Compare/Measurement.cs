namespace IrminSharp.Compare;

/// <summary>One side's timed run: operations per second and bytes written per operation.</summary>
internal sealed record Measurement(string Name, int Operations, TimeSpan Elapsed, long BytesWritten, TimeSpan Setup)
{
    public double OpsPerSecond => Operations / Elapsed.TotalSeconds;

    public long BytesPerOperation => BytesWritten / Math.Max(1, Operations);
}
