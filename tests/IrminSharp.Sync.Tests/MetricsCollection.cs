using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// The tests that read <see cref="SyncMetrics"/>: its meter is static, shared by every server in
/// the process, so these run alone, with no other test's server recording at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Sync metrics";
}
