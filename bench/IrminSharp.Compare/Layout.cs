using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>Where entry i lives, and what it holds, for a scenario.</summary>
internal sealed class Layout(int entries, bool sharded)
{
    private readonly int perShard = Math.Max(1, entries / 100);

    public int Entries { get; } = entries;

    public string PathOf(int i) => sharded
        ? string.Create(CultureInfo.InvariantCulture, $"shard{i / perShard}/e{i}")
        : string.Create(CultureInfo.InvariantCulture, $"files/e{i}");

    public static string ValueOf(int i, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"value-{i}-v{version}-0123456789abcdef0123456789");
}
