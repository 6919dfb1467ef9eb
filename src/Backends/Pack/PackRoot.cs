using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>What a root (a superblock) makes current: its refs, and the object index of its log.</summary>
internal sealed record PackRoot(Superblock Superblock, RefTable Refs, ObjectIndex Index, RefsJournalState RefsJournal = default)
{
    /// <summary>
    /// Loads the newest valid root of a device. A damaged newest root (its refs or index fail their
    /// checks) is never skipped silently by a writer: the load fails unless
    /// <see cref="PackOptions.RecoverDamagedRoot"/> asks for the previous root, and then
    /// <paramref name="note"/> says so. An I/O error is reported as it is, never taken for damage.
    /// </summary>
    public static PackRoot LoadNewest(RingLog log, IBlockDevice device, PackOptions options, string where, out string? note, out bool fellBack)
    {
        var candidates = SuperblockPair.ReadValid(device, out var damagedCopy);
        if (candidates.Count == 0)
        {
            throw new CorruptDataException(where, 0, "no valid superblock: this is not an IrminSharp pack, or both superblocks are damaged");
        }

        // A root made for a larger device (a truncated image, the wrong device) is never used.
        SuperblockPair.CheckGeometry(candidates[0], device, where);

        // A copy that holds data but fails its checks may have been the newest root (damaged after
        // it was written) or a root whose write a crash tore: the two cannot be told apart, so open
        // the valid copy and say so.
        note = damagedCopy is { } bad
            ? $"the superblock copy in sector {bad} is damaged (a write torn by a crash, or corruption); opened generation {candidates[0].Generation} from the other copy, and anything a newer root in sector {bad} held is lost"
            : null;
        fellBack = false;
        PackRoot root;
        try
        {
            root = Load(log, candidates[0], where);
        }
        catch (CorruptDataException damage) when (candidates.Count > 1)
        {
            var newest = candidates[0].Generation;
            var previous = candidates[1].Generation;
            if (!options.ReadOnly && !options.RecoverDamagedRoot)
            {
                throw new CorruptDataException(
                    where,
                    damage.Offset,
                    $"the newest root (generation {newest}) is damaged: {damage.Reason}. The previous root (generation {previous}) is intact; open read-only to read it, or recover to make it current (what the newest root added is then lost)",
                    damage);
            }

            SuperblockPair.CheckGeometry(candidates[1], device, where);
            root = Load(log, candidates[1], where);
            note = $"the newest root (generation {newest}) could not be read ({damage.Reason}); opened the previous root, generation {previous}";
            fellBack = true;

            // A writer's next root must supersede the damaged one, or the next open would pick it again.
            root = root with { Superblock = root.Superblock with { Generation = Math.Max(newest, previous) } };
        }

        return root;
    }

    /// <summary>
    /// Loads the root: the refs (a full table and the journal after it), the index checkpoint, and the objects in the log after the
    /// checkpoint. Damage is a <see cref="CorruptDataException"/>; a failed read an <see cref="IOException"/>.
    /// </summary>
    public static PackRoot Load(RingLog log, Superblock superblock, string where)
    {
        if (superblock.LogStart < 0 || superblock.LogEnd < superblock.LogStart || superblock.LogEnd - superblock.LogStart > log.Capacity
            || superblock.LogEnd % log.SectorSize != 0)
        {
            throw new CorruptDataException(where, 0, $"the root (generation {superblock.Generation}) names an impossible log [{superblock.LogStart}, {superblock.LogEnd})");
        }

        var (refs, journal) = RefsReplay.Load(log, superblock, where);

        CheckpointIndex? checkpoint = null;
        if (superblock.CheckpointLength > 0)
        {
            CheckWithin(superblock, superblock.CheckpointOffset, superblock.CheckpointLength, "index checkpoint", where);
            if (superblock.CheckpointCovers < superblock.LogStart || superblock.CheckpointCovers > superblock.LogEnd)
            {
                throw new CorruptDataException(where, superblock.CheckpointOffset, "the index checkpoint claims to cover records outside the log");
            }

            checkpoint = CheckpointIndex.Open(log, superblock.CheckpointOffset, superblock.CheckpointLength, superblock.LogStart, superblock.LogEnd, where);
        }

        var index = new ObjectIndex(checkpoint);
        var from = superblock.CheckpointLength > 0 ? superblock.CheckpointCovers : superblock.LogStart;
        new LogScanner(log).Scan(from, superblock.LogEnd, (position, finding, header, _) =>
        {
            // Damage in the tail is skipped here and reported by fsck; the index remembers it, so
            // that reading an object it hid is an error naming the object, not a missing object.
            if (finding == LogScanner.Finding.Record && header is { Kind: RecordKind.Object } h)
            {
                index.Record(h.Hash, new Location(position, h.TotalLength));
            }
            else if (finding is LogScanner.Finding.DamagedHeader or LogScanner.Finding.ChecksumMismatch or LogScanner.Finding.DamagedPadding)
            {
                index.RecordDamage(position);
            }
        });
        return new PackRoot(superblock, refs, index, journal);
    }

    private static void CheckWithin(Superblock superblock, long offset, long length, string what, string where)
    {
        if (offset < superblock.LogStart || length < RecordHeader.Size || offset + length > superblock.LogEnd)
        {
            throw new CorruptDataException(where, offset, $"the {what} record at {offset} (length {length}) lies outside the log [{superblock.LogStart}, {superblock.LogEnd})");
        }
    }
}
