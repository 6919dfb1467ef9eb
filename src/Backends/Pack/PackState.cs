using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// A pack's state in memory, shared by its reads and its commit pipeline and guarded by
/// <see cref="Gate"/>: the objects waiting to be written, the refs, the object index, the durable
/// root, and where the next batch goes. Held briefly, never across device I/O except in gc's last step.
/// </summary>
internal sealed class PackState(PackRoot root)
{
    public ScheduledLock Gate { get; } = new("pack.state");

    /// <summary>Objects added and not yet written, by hash.</summary>
    public Dictionary<Hash, byte[]> Pending { get; } = [];

    /// <summary>The same objects, in the order they were added (children before parents).</summary>
    public List<Hash> PendingOrder { get; } = [];

    public ObjectIndex Index { get; set; } = root.Index;

    public RefTable Refs { get; set; } = root.Refs;

    /// <summary>The durable root.</summary>
    public Superblock Superblock { get; set; } = root.Superblock;

    /// <summary>Where the next batch goes: the root's log end, or past copies gc appended since.</summary>
    public long AppendEnd { get; set; } = root.Superblock.LogEnd;

    /// <summary>The number of the last ref swap.</summary>
    public long RefsVersion { get; set; }

    /// <summary>Every swap numbered up to this is durable.</summary>
    public long DurableRefsVersion { get; set; }

    /// <summary>How many gcs have moved the log's start since open.</summary>
    public long Collections { get; set; }

    /// <summary>While a gc runs: every object the pipeline wrote since it began.</summary>
    public HashSet<Hash>? WrittenDuringGc { get; set; }
}
