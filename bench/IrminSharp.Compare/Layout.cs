using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>Where entry i lives, and what it holds: one flat directory, or 100 shards.</summary>
internal sealed class Layout
{
    private readonly bool sharded;
    private readonly int perShard;

    private Layout(int entries, bool sharded)
    {
        Entries = entries;
        this.sharded = sharded;
        perShard = Math.Max(1, entries / 100);
    }

    public int Entries { get; }

    /// <summary>All entries in <c>files/</c>.</summary>
    public static Layout Flat(int entries) => new(entries, sharded: false);

    /// <summary>Entries in 100 directories of N/100: <c>shard&lt;i / (N/100)&gt;/e&lt;i&gt;</c>.</summary>
    public static Layout Sharded(int entries) => new(entries, sharded: true);

    public string PathOf(int i) => sharded
        ? string.Create(CultureInfo.InvariantCulture, $"shard{i / perShard}/e{i}")
        : string.Create(CultureInfo.InvariantCulture, $"files/e{i}");

    /// <summary>The value of entry <paramref name="i"/> at <paramref name="version"/>: about 40 bytes.</summary>
    public static string ValueOf(int i, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"value-{i}-v{version}-0123456789abcdef0123456789");
}
