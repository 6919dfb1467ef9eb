namespace IrminSharp.Backends.Pack;

/// <summary>
/// Where a root's refs stand against compaction: the size of the last full refs table, and the
/// journal records written after it (their bytes, rounded up to sectors, and how many).
/// </summary>
internal readonly record struct RefsJournalState(long TableBytes, long JournalBytes, int Links)
{
    /// <summary>By default, a journal is compacted once it reaches at least this many bytes.</summary>
    public const long DefaultCompactionBytes = 64 * 1024;

    /// <summary>The longest chain of journal records after a full table (each is one read at open).</summary>
    public const int MaxLinks = 4096;

    /// <summary>
    /// Whether a journal record of <paramref name="recordBytes"/> (rounded up to sectors) would
    /// take the journal past twice the table (and <paramref name="minBytes"/>), or past
    /// <see cref="MaxLinks"/> records: then a full table is
    /// written instead. Geometric, so the total cost of compaction stays linear in the changes.
    /// </summary>
    public bool CompactionDue(long recordBytes, long minBytes) =>
        Links + 1 > MaxLinks || JournalBytes + recordBytes > Math.Max(2 * TableBytes, minBytes);

    /// <summary>The state after a journal record of <paramref name="recordBytes"/> (rounded up to sectors).</summary>
    public RefsJournalState After(long recordBytes) => this with { JournalBytes = JournalBytes + recordBytes, Links = Links + 1 };

    /// <summary>The state after a full table of <paramref name="tableBytes"/>.</summary>
    public static RefsJournalState AfterTable(long tableBytes) => new(tableBytes, 0, 0);
}
