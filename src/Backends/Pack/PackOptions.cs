namespace IrminSharp.Backends.Pack;

/// <summary>Options of a pack store.</summary>
public sealed class PackOptions
{
    private readonly int checkpointEvery = 65_536;
    private readonly long cacheBytes = 64L << 20;

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
}
