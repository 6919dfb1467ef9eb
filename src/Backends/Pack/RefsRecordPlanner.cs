using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Chooses the refs record a root carries: a journal record with just the refs changed since the
/// durable root's refs record, or, when compaction falls due (or is asked for, as gc and
/// checkpoints do), the full table. See docs/formats/pack.md.
/// </summary>
internal static class RefsRecordPlanner
{
    /// <summary>Under the state's gate: the record to write, and the journal state once it is durable.</summary>
    public static (RecordKind Kind, byte[] Payload, RefsJournalState After) Plan(PackState state, bool compact, int sectorSize, long compactionBytes)
    {
        var sb = state.Superblock;
        if (!compact && sb.RefsLength > 0)
        {
            var changes = state.ChangedRefs.Keys
                .Order(StringComparer.Ordinal)
                .Select(name => new KeyValuePair<string, Hash?>(name, state.Refs.TryGet(name, out var value) ? value : null))
                .ToList();
            var payload = RefsJournalRecord.Encode(new Location(sb.RefsOffset, sb.RefsLength), changes);
            var bytes = RoundUp(RecordHeader.Size + payload.Length, sectorSize);
            if (!state.RefsJournal.CompactionDue(bytes, compactionBytes))
            {
                return (RecordKind.RefsJournal, payload, state.RefsJournal.After(bytes));
            }
        }

        var table = RefsRecord.Encode(state.Refs.List());
        return (RecordKind.Refs, table, RefsJournalState.AfterTable(RecordHeader.Size + table.Length));
    }

    /// <summary>Under the state's gate, once the root is durable: forgets the changes it recorded.</summary>
    public static void Committed(PackState state, RefsJournalState after, long version)
    {
        state.RefsJournal = after;
        var recorded = state.ChangedRefs.Where(c => c.Value <= version).Select(c => c.Key).ToList();
        foreach (var name in recorded)
        {
            state.ChangedRefs.Remove(name);
        }
    }

    private static long RoundUp(long bytes, int sectorSize) => (bytes + sectorSize - 1) / sectorSize * sectorSize;
}
