namespace IrminSharp.Compare;

/// <summary>One workload, run on IrminSharp and optionally on the peer.</summary>
internal interface IScenario
{
    /// <summary>The name on the command line and in the RESULT line.</summary>
    string Name { get; }

    /// <summary>Runs the workload; throws <see cref="VerificationException"/> if a store reads back wrong data.</summary>
    IScenarioReport Run(HarnessOptions options);
}
