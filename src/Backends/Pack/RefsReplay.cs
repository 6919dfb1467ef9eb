using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Loads a root's refs: the record the root names is a full refs table, or a journal record that
/// names the record before it. Opening follows the chain back to a full table and replays the
/// journal records onto it, oldest first. See docs/formats/pack.md.
/// </summary>
internal static class RefsReplay
{
    /// <exception cref="CorruptDataException">A record of the chain is damaged, outside the log, or does not point back.</exception>
    public static (RefTable Refs, RefsJournalState Journal) Load(RingLog log, Superblock superblock, string where)
    {
        if (superblock.RefsOffset == 0 && superblock.RefsLength == 0)
        {
            return (new RefTable(), default);
        }

        var journal = new List<List<KeyValuePair<string, Hash?>>>();
        long journalBytes = 0;
        var at = new Location(superblock.RefsOffset, superblock.RefsLength);
        while (true)
        {
            if (at.Offset < superblock.LogStart || at.Length < RecordHeader.Size || at.Offset + at.Length > superblock.LogEnd)
            {
                throw new CorruptDataException(where, at.Offset, $"the refs record at {at.Offset} (length {at.Length}) lies outside the log [{superblock.LogStart}, {superblock.LogEnd})");
            }

            var (kind, payload) = RecordReader.ReadRefs(log, where, at);
            if (kind == RecordKind.Refs)
            {
                var refs = RefsRecord.Decode(payload, where, at.Offset);
                for (var i = journal.Count - 1; i >= 0; i--)
                {
                    foreach (var (name, value) in journal[i])
                    {
                        if (value is { } v)
                        {
                            refs.Set(name, v);
                        }
                        else
                        {
                            refs.Remove(name);
                        }
                    }
                }

                return (refs, new RefsJournalState(at.Length, journalBytes, journal.Count));
            }

            var (previous, changes) = RefsJournalRecord.Decode(payload, where, at.Offset);
            if (previous.Offset >= at.Offset || journal.Count >= 2 * RefsJournalState.MaxLinks)
            {
                throw new CorruptDataException(where, at.Offset, "the refs journal record does not point back to an earlier refs record");
            }

            journal.Add(changes);
            journalBytes += (at.Length + log.SectorSize - 1) / log.SectorSize * (long)log.SectorSize;
            at = previous;
        }
    }
}
