using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>
/// Where entry i lives, and what it first holds: one flat directory, 100 shards of consecutive
/// entries, or entries spread round-robin over a number of directories.
/// </summary>
internal sealed class Layout
{
    private readonly Shape shape;
    private readonly int perShard;
    private readonly int directories;

    private Layout(int entries, Shape shape, int directories = 0)
    {
        Entries = entries;
        this.shape = shape;
        this.directories = directories;
        perShard = Math.Max(1, entries / 100);
    }

    private enum Shape
    {
        Flat,
        Sharded,
        Spread,
    }

    public int Entries { get; }

    /// <summary>All entries in <c>files/</c>.</summary>
    public static Layout Flat(int entries) => new(entries, Shape.Flat);

    /// <summary>Entries in 100 directories of N/100: <c>shard&lt;i / (N/100)&gt;/e&lt;i&gt;</c>.</summary>
    public static Layout Sharded(int entries) => new(entries, Shape.Sharded);

    /// <summary>
    /// Entries round-robin over <paramref name="directories"/> directories, <c>d&lt;i % D&gt;/k&lt;i&gt;</c>,
    /// holding <c>value-&lt;i&gt;</c> (the read and open scenarios).
    /// </summary>
    public static Layout Spread(int entries, int directories) => new(entries, Shape.Spread, directories);

    public string PathOf(int i) => shape switch
    {
        Shape.Sharded => string.Create(CultureInfo.InvariantCulture, $"shard{i / perShard}/e{i}"),
        Shape.Spread => string.Create(CultureInfo.InvariantCulture, $"d{i % directories}/k{i}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"files/e{i}"),
    };

    /// <summary>What entry <paramref name="i"/> holds in the first commit.</summary>
    public string InitialValueOf(int i) => shape == Shape.Spread
        ? string.Create(CultureInfo.InvariantCulture, $"value-{i}")
        : ValueOf(i, 0);

    /// <summary>The value of entry <paramref name="i"/> at <paramref name="version"/>: about 40 bytes.</summary>
    public static string ValueOf(int i, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"value-{i}-v{version}-0123456789abcdef0123456789");
}
