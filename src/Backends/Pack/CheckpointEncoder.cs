using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Turns a stream of index entries sorted by hash into checkpoint segment payloads, one segment
/// buffered at a time, and merges two sorted streams. The caller appends each payload as a kind-3
/// record; if there is more than one, it then appends a <see cref="CheckpointDirectory"/> listing
/// them and makes that the superblock's checkpoint.
/// </summary>
/// <remarks>
/// Memory is bounded by the segment size, not by the index: the encoder holds one segment's entries
/// (44 bytes each, in a buffer that grows to at most <see cref="SegmentEntries"/> entries) plus the
/// payload it is building. An index that fits in one segment is encoded exactly as a
/// single-segment checkpoint, so small stores keep writing the format they always wrote.
/// </remarks>
internal sealed class CheckpointEncoder
{
    /// <summary>Entries per segment unless told otherwise: 1,048,576, a payload of about 44 MiB.</summary>
    public const int DefaultSegmentEntries = 1 << 20;

    private const int InitialBufferEntries = 4096;

    /// <summary>Creates an encoder whose segments hold at most <paramref name="segmentEntries"/> entries.</summary>
    /// <param name="segmentEntries">1 to <see cref="CheckpointSegment.MaxEntries"/>; tests use small values.</param>
    public CheckpointEncoder(int segmentEntries = DefaultSegmentEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentEntries, CheckpointSegment.MaxEntries);
        SegmentEntries = segmentEntries;
    }

    /// <summary>The most entries in one segment.</summary>
    public int SegmentEntries { get; }

    /// <summary>The largest payload this encoder makes: a full segment.</summary>
    public long MaxSegmentPayload => CheckpointSegment.PayloadLength(SegmentEntries);

    /// <summary>
    /// The segments of the index <paramref name="sorted"/>, lazily: each is built when the caller asks
    /// for it, from the entries that follow the previous one. Always at least one segment (an empty
    /// index is one empty segment); every segment but the last holds exactly
    /// <see cref="SegmentEntries"/> entries.
    /// </summary>
    /// <remarks>
    /// Throws <see cref="InvalidOperationException"/> while enumerating if the hashes are not strictly
    /// increasing or a location is negative.
    /// </remarks>
    public IEnumerable<CheckpointSegmentPayload> EncodeSegments(IEnumerable<(Hash Hash, Location Location)> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return Iterate(sorted);
    }

    /// <summary>
    /// Merges two streams sorted by hash into one, lazily. On equal hashes the entry from
    /// <paramref name="newer"/> wins (the other is dropped). Throws
    /// <see cref="InvalidOperationException"/> while enumerating if either stream is not strictly
    /// increasing.
    /// </summary>
    public static IEnumerable<(Hash Hash, Location Location)> Merge(
        IEnumerable<(Hash Hash, Location Location)> older,
        IEnumerable<(Hash Hash, Location Location)> newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        return MergeIterator(older, newer);
    }

    private IEnumerable<CheckpointSegmentPayload> Iterate(IEnumerable<(Hash Hash, Location Location)> sorted)
    {
        var buffer = new byte[Math.Min(SegmentEntries, InitialBufferEntries) * CheckpointSegment.EntrySize];
        var count = 0;
        var produced = false;
        Hash first = default;
        Hash previous = default;
        var any = false;
        foreach (var (hash, location) in sorted)
        {
            if (hash.IsEmpty || (any && hash.CompareTo(previous) <= 0))
            {
                throw new InvalidOperationException($"Checkpoint entries must be sorted by hash with no duplicates; {hash} follows {previous}.");
            }

            if (location.Offset < 0 || location.Length < 0)
            {
                throw new InvalidOperationException($"The location of {hash} is negative.");
            }

            if (count == SegmentEntries)
            {
                yield return new CheckpointSegmentPayload(first, count, CheckpointSegment.Encode(buffer, count));
                produced = true;
                count = 0;
            }

            if (count == 0)
            {
                first = hash;
            }

            if ((count + 1) * CheckpointSegment.EntrySize > buffer.Length)
            {
                var grown = (int)Math.Min((long)buffer.Length / CheckpointSegment.EntrySize * 2, SegmentEntries);
                Array.Resize(ref buffer, grown * CheckpointSegment.EntrySize);
            }

            CheckpointSegment.WriteEntry(buffer.AsSpan(count * CheckpointSegment.EntrySize), hash, location);
            count++;
            previous = hash;
            any = true;
        }

        if (count > 0 || !produced)
        {
            yield return new CheckpointSegmentPayload(first, count, CheckpointSegment.Encode(buffer, count));
        }
    }

    private static IEnumerable<(Hash Hash, Location Location)> MergeIterator(
        IEnumerable<(Hash Hash, Location Location)> older,
        IEnumerable<(Hash Hash, Location Location)> newer)
    {
        using var a = older.GetEnumerator();
        using var b = newer.GetEnumerator();
        var hasA = Next(a, default, false, nameof(older));
        var hasB = Next(b, default, false, nameof(newer));
        while (hasA || hasB)
        {
            var ca = hasA ? a.Current : default;
            var cb = hasB ? b.Current : default;
            var order = !hasA ? 1 : !hasB ? -1 : ca.Hash.CompareTo(cb.Hash);
            if (order < 0)
            {
                yield return ca;
                hasA = Next(a, ca.Hash, true, nameof(older));
            }
            else
            {
                yield return cb;
                hasB = Next(b, cb.Hash, true, nameof(newer));
                if (order == 0)
                {
                    hasA = Next(a, ca.Hash, true, nameof(older));
                }
            }
        }
    }

    private static bool Next(IEnumerator<(Hash Hash, Location Location)> e, Hash previous, bool hasPrevious, string name)
    {
        if (!e.MoveNext())
        {
            return false;
        }

        if (hasPrevious && e.Current.Hash.CompareTo(previous) <= 0)
        {
            throw new InvalidOperationException($"The {name} stream is not sorted by hash: {e.Current.Hash} follows {previous}.");
        }

        return true;
    }
}
