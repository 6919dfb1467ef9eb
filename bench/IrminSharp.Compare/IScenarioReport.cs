namespace IrminSharp.Compare;

/// <summary>What a scenario measured, able to print its table and RESULT line.</summary>
internal interface IScenarioReport
{
    void Print(TextWriter output, string scenario, HarnessOptions options);
}
