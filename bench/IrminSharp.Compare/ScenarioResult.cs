namespace IrminSharp.Compare;

/// <summary>What a scenario measured: IrminSharp, the peer (null with <c>--peer none</c>), and what one operation is.</summary>
internal sealed record ScenarioResult(string Operation, Measurement Irmin, Measurement? Peer);
