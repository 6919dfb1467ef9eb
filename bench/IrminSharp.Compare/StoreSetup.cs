using IrminSharp.Backends.Pack;

namespace IrminSharp.Compare;

/// <summary>
/// The stores a commit or merge scenario runs on, as the options ask: which IrminSharp stores
/// (the last one is the one in the RESULT line), where the peer's repository goes, and notes for
/// the table. With the pack backend it owns a fresh directory under <c>--dir</c>, deleted at the end.
/// </summary>
internal sealed class StoreSetup : IDisposable
{
    private readonly BenchDirectory? directory;
    private readonly bool durable;
    private int packs;

    private StoreSetup(BenchDirectory? directory, bool durable)
    {
        this.directory = directory;
        this.durable = durable;
    }

    /// <summary>Where the peer makes its repository; null for the RAM disk.</summary>
    public string? PeerRoot => directory?.Path;

    /// <summary>How many IrminSharp stores to run, one after another.</summary>
    public int IrminRuns => durable ? 2 : 1;

    /// <summary>Notes printed under the table.</summary>
    public IReadOnlyList<string> Notes => directory is null
        ? []
        : durable
            ? [
                "note: LibGit2Sharp never fsyncs (its objects and refs stay in the page cache); 'IrminSharp pack+fsync' waits for",
                "      an fsync at every ref update (PackDurability.EveryRefUpdate), 'IrminSharp pack' only at a flush (Explicit).",
                $"stores on disk in {directory.Path}",
            ]
            : [
                "note: LibGit2Sharp never fsyncs; 'IrminSharp pack' (PackDurability.Explicit) neither, until its flush.",
                $"stores on disk in {directory.Path}",
            ];

    public static StoreSetup For(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Backend == StoreBackend.Memory)
        {
            return new StoreSetup(null, durable: false);
        }

        Directory.CreateDirectory(options.DataDirectory);
        return new StoreSetup(BenchDirectory.Create(options.DataDirectory), options.Durable);
    }

    /// <summary>Opens IrminSharp store <paramref name="run"/> of <see cref="IrminRuns"/>: memory, pack, then durable pack.</summary>
    public IrminWorkload OpenIrmin(int run)
    {
        if (directory is null)
        {
            return IrminWorkload.InMemory();
        }

        var durability = durable && run == IrminRuns - 1 ? PackDurability.EveryRefUpdate : PackDurability.Explicit;
        return IrminWorkload.OnNewPack(directory.File($"irmin-{packs++}.pack"), durability);
    }

    public void Dispose() => directory?.Dispose();
}
