namespace IrminSharp.Backends.Pack;

/// <summary>Options of a pack store.</summary>
public sealed class PackOptions
{
    private readonly int checkpointEvery = 65_536;
    private readonly long cacheBytes = 64L << 20;
    private readonly long maxObjectBytes = RecordHeader.MaxPayload;
    private readonly long? gcReserveBytes;

    /// <summary>The defaults: durable at every ref update.</summary>
    public static PackOptions Default { get; } = new();

    /// <summary>When writes become durable.</summary>
    public PackDurability Durability { get; init; } = PackDurability.EveryRefUpdate;

    /// <summary>Open for reading only: no lock is taken and nothing is written.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// How many objects may sit in the log after the last index checkpoint before a new one is
    /// written. Opening reads the checkpoint plus that tail, never the whole log.
    /// </summary>
    public int CheckpointEvery
    {
        get => checkpointEvery;
        init => checkpointEvery = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Must be positive.");
    }

    /// <summary>How many bytes of recently read objects to keep in memory.</summary>
    public long CacheBytes
    {
        get => cacheBytes;
        init => cacheBytes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Cannot be negative.");
    }

    /// <summary>
    /// The largest encoded object accepted (at most 256 MiB, and less on a small device). A larger
    /// one is refused with <see cref="Store.ObjectTooLargeException"/> before anything is written.
    /// </summary>
    public long MaxObjectBytes
    {
        get => maxObjectBytes;
        init => maxObjectBytes = value > 0 ? Math.Min(value, RecordHeader.MaxPayload) : throw new ArgumentOutOfRangeException(nameof(value), "Must be positive.");
    }

    /// <summary>
    /// Bytes of the log that ordinary writes leave free for gc, so that gc can run on a store that
    /// is full (its copies, refs table and checkpoint go there); null (the default) means an eighth
    /// of the log, at most 1 GiB. At most half the log is reserved, whatever is asked.
    /// </summary>
    public long? GcReserveBytes
    {
        get => gcReserveBytes;
        init => gcReserveBytes = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Cannot be negative.");
    }

    /// <summary>The reserve for gc on a log of <paramref name="capacity"/> bytes, whole sectors.</summary>
    internal long GcReserveFor(long capacity, int sectorSize)
    {
        var asked = gcReserveBytes ?? Math.Min(capacity / 8, 1L << 30);
        return Math.Min(asked, capacity / 2) / sectorSize * sectorSize;
    }

    /// <summary>
    /// When the newest root is damaged (its refs or index fail their checks), open the previous
    /// root for writing and make it current. Off by default: a writer then refuses to open, since
    /// writing would overwrite the damaged root and lose what it added for good. Readers always
    /// fall back, and say so in <see cref="PackStore.RecoveryNote"/>.
    /// </summary>
    public bool RecoverDamagedRoot { get; init; }

    /// <summary>Entries per index checkpoint segment; tests lower it to make several segments.</summary>
    internal int CheckpointSegmentEntries { get; init; } = CheckpointEncoder.DefaultSegmentEntries;

    /// <summary>The least journal (bytes) that compaction waits for; tests lower it to compact often.</summary>
    internal long RefsCompactionBytes { get; init; } = RefsJournalState.DefaultCompactionBytes;

    /// <summary>The largest batch written with one device write; tests lower it to split batches.</summary>
    internal int BatchBytes { get; init; } = 1 << 20;

    /// <summary>
    /// The writer's lock file, taken (flock, exclusive) for as long as a writable store is open;
    /// null (the default) means the device's own lock, <see cref="Block.IBlockDevice.WriterLockPath"/>
    /// (<c>FILE.lock</c> beside a pack file, <c>/run/lock/irmin-dev-MAJOR-MINOR.lock</c> for a block
    /// device). A device that names no lock (one in memory) takes none. Read-only stores take no lock.
    /// </summary>
    /// <remarks>
    /// The lock serializes writers across processes, whatever path each used to reach the device.
    /// Set it only to share one lock between devices that the device cannot know are the same.
    /// </remarks>
    public string? LockPath { get; init; }

    /// <summary>These options for a read-only open.</summary>
    internal PackOptions AsReadOnly() => new()
    {
        ReadOnly = true,
        CacheBytes = CacheBytes,
        CheckpointEvery = CheckpointEvery,
        Durability = Durability,
        BatchBytes = BatchBytes,
        CheckpointSegmentEntries = CheckpointSegmentEntries,
        MaxObjectBytes = MaxObjectBytes,
        LockPath = LockPath,
        GcReserveBytes = GcReserveBytes,
        RefsCompactionBytes = RefsCompactionBytes,
    };
}
