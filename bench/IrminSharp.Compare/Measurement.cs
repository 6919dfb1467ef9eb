namespace IrminSharp.Compare;

/// <summary>
/// One store's run: <paramref name="Operations"/> timed in <paramref name="Elapsed"/>, the bytes of
/// new objects one operation wrote (null where nothing is written), and the untimed setup
/// (populating the store, making branches).
/// </summary>
internal sealed record Measurement(string Store, int Operations, TimeSpan Elapsed, long? BytesPerOperation, TimeSpan Setup)
{
    public double OpsPerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>A free-form detail for the table (a breakdown of the setup, say).</summary>
    public string Note { get; init; } = string.Empty;
}
