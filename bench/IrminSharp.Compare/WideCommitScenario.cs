namespace IrminSharp.Compare;

/// <summary><c>wide-commit</c>: N entries in one flat directory <c>files/</c>; each commit changes one.</summary>
internal sealed class WideCommitScenario : OneChangeCommitScenario
{
    public override string Name => "wide-commit";

    protected override Layout CreateLayout(int entries) => Layout.Flat(entries);
}
