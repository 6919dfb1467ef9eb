namespace IrminSharp.Compare;

/// <summary><c>sharded-commit</c>: N entries in 100 directories of N/100; each commit changes one.</summary>
internal sealed class ShardedCommitScenario : OneChangeCommitScenario
{
    public override string Name => "sharded-commit";

    protected override Layout CreateLayout(int entries) => Layout.Sharded(entries);
}
