namespace IrminSharp.Compare;

/// <summary>
/// What a scenario measured: IrminSharp (the store in the RESULT line), the peer (null with
/// <c>--peer none</c>), and what one operation is. <see cref="OtherIrmin"/> are further IrminSharp
/// rows shown in the table only; <see cref="Notes"/> are printed under it.
/// </summary>
internal sealed record ScenarioResult(string Operation, Measurement Irmin, Measurement? Peer) : IScenarioReport
{
    public IReadOnlyList<Measurement> OtherIrmin { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    public void Print(TextWriter output, string scenario, HarnessOptions options) => ResultReport.Print(output, scenario, options, this);
}
