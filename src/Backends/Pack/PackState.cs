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

    /// <summary>
    /// The refs changed since the durable root's refs record, each with the number of its last
    /// swap: what the next journal record holds.
    /// </summary>
    public Dictionary<string, long> ChangedRefs { get; } = new(StringComparer.Ordinal);

    /// <summary>The durable root's refs against compaction (last full table, journal since).</summary>
    public RefsJournalState RefsJournal { get; set; } = root.RefsJournal;

    /// <summary>Every swap numbered up to this is durable.</summary>
    public long DurableRefsVersion { get; set; }

    /// <summary>How many gcs have moved the log's start since open.</summary>
    public long Collections { get; set; }

    /// <summary>
    /// Under <see cref="Gate"/>: applies every swap if every ref holds its expected value, else
    /// none (<paramref name="actual"/> is then the value found), and numbers the swap.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">The pack does not hold a desired value (a gc may have collected it).</exception>
    public bool SwapRefs(IReadOnlyList<RefSwap> swaps, out Hash? actual, out long version)
    {
        RefTable.CheckDistinct(swaps);
        foreach (var swap in swaps)
        {
            if (swap.Desired is { } d && !Pending.ContainsKey(d) && !Index.Contains(d))
            {
                throw new ObjectNotFoundException(d, $"the object ref '{swap.Name}' would be set to");
            }
        }

        if (!Refs.TrySwapAll(swaps, out _, out actual))
        {
            version = RefsVersion;
            return false;
        }

        // A swap from a value to itself changes nothing: no new version, nothing to write (a
        // client repeating a push of the tip costs no log space). The caller still waits for the
        // version that set the value to be durable.
        if (swaps.All(static swap => Nullable.Equals(swap.Expected, swap.Desired)))
        {
            version = RefsVersion;
            return true;
        }

        version = ++RefsVersion;
        foreach (var swap in swaps)
        {
            if (!Nullable.Equals(swap.Expected, swap.Desired))
            {
                ChangedRefs[swap.Name] = version;
            }
        }

        return true;
    }

    /// <summary>While a gc runs: every object the pipeline wrote since it began.</summary>
    public HashSet<Hash>? WrittenDuringGc { get; set; }
}
