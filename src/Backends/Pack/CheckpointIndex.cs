using System.Collections.Concurrent;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The index checkpoint a superblock points at: either a single segment (a kind-3 record with
/// magic <c>IRMNIDX1</c>) or a directory of segments (magic <c>IRMNIDXD</c>). Finds an object's
/// location by hash and enumerates every entry in hash order.
/// </summary>
/// <remarks>
/// Opening reads the root record's header and either the single segment's fanout or the whole
/// (small) directory; a segment listed by a directory is opened (header, fanout, first and last
/// entries checked) on its first use, so opening costs at most one segment's fanout whatever the
/// index size. A segment's entries carry no checksum of their own, so a segment's record CRC is
/// checked, once, before a read's first miss in it is trusted (<see cref="VerifyMiss"/>) and before
/// it is enumerated: a damaged entry could hide an object.
/// Lookups are safe from several threads. Decoded buckets are cached, at most about 65,536 for the
/// whole index. Damage found at open or on use throws <see cref="CorruptDataException"/> naming
/// the record's log position.
/// </remarks>
internal sealed class CheckpointIndex
{
    private const int MaxCachedBuckets = 1 << 16;

    private readonly RingLog log;
    private readonly string where;
    private readonly CheckpointDirectory? directory;
    private readonly CheckpointSegment?[] segments;
    private readonly Location[] records;
    private readonly bool[] verified;
    private readonly ConcurrentDictionary<long, (Hash[] Hashes, Location[] Locations)> buckets = new();
    private int cachedBuckets;

    private CheckpointIndex(RingLog log, string where, CheckpointDirectory? directory, CheckpointSegment? single, Location singleRecord)
    {
        this.log = log;
        this.where = where;
        this.directory = directory;
        segments = directory is null ? [single] : new CheckpointSegment?[directory.Segments.Count];
        records = directory is null ? [singleRecord] : [.. directory.Segments.Select(listed => listed.Location)];
        verified = new bool[segments.Length];
        Count = directory?.TotalCount ?? single!.Count;
    }

    /// <summary>The number of entries in all segments.</summary>
    public long Count { get; }

    /// <summary>The number of segments (1 for a single-segment checkpoint).</summary>
    public int SegmentCount => segments.Length;

    /// <summary>Whether the root is a directory of segments rather than a single segment.</summary>
    public bool IsSegmented => directory is not null;

    /// <summary>
    /// Opens the checkpoint whose root record (a single segment or a directory) lies at
    /// <paramref name="rootPosition"/> and is <paramref name="rootLength"/> bytes long with its header,
    /// as the superblock says. The root and every segment must lie in the live log
    /// [<paramref name="logStart"/>, <paramref name="logEnd"/>).
    /// </summary>
    public static CheckpointIndex Open(RingLog log, long rootPosition, long rootLength, long logStart, long logEnd, string where)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(where);
        const int Head = RecordHeader.Size + CheckpointSegment.HeaderSize;
        if (rootLength < Head || rootLength > RecordHeader.Size + RecordHeader.MaxPayload
            || logStart < 0 || logEnd < logStart || rootPosition < logStart || rootPosition > logEnd - rootLength)
        {
            throw new CorruptDataException(where, rootPosition, $"an index checkpoint of {rootLength} bytes at {rootPosition} does not fit in the log [{logStart}, {logEnd})");
        }

        Span<byte> head = stackalloc byte[Head];
        log.Read(rootPosition, head);
        CheckRecordHeader(head, rootPosition, rootLength, where);
        var magic = head.Slice(RecordHeader.Size, 8);
        if (magic.SequenceEqual(CheckpointSegment.Magic))
        {
            var single = CheckpointSegment.Open(log, rootPosition + RecordHeader.Size, rootLength - RecordHeader.Size, where);
            return new CheckpointIndex(log, where, null, single, new Location(rootPosition, checked((int)rootLength)));
        }

        if (!magic.SequenceEqual(CheckpointDirectory.Magic))
        {
            throw new CorruptDataException(where, rootPosition, "the index checkpoint has neither the segment nor the directory magic");
        }

        // Check the length the header implies before reading the table.
        if (CheckpointDirectory.ExpectedPayloadLength(head[RecordHeader.Size..]) != rootLength - RecordHeader.Size)
        {
            throw new CorruptDataException(where, rootPosition, "the index checkpoint directory's segment count does not match its length");
        }

        var record = new byte[rootLength];
        log.Read(rootPosition, record);
        if (!RecordHeader.ChecksumMatches(record))
        {
            throw new CorruptDataException(where, rootPosition, "the index checkpoint directory record fails its checksum");
        }

        var decoded = CheckpointDirectory.Decode(record.AsSpan(RecordHeader.Size), rootPosition, logStart, where);
        return new CheckpointIndex(log, where, decoded, null, default);
    }

    /// <summary>Finds the location of <paramref name="hash"/>; false when the index does not hold it.</summary>
    public bool TryFind(Hash hash, out Location location)
    {
        var s = directory is null ? 0 : directory.FindSegment(hash);
        if (s < 0)
        {
            location = default;
            return false;
        }

        var segment = Segment(s);
        var bucket = segment.BucketOf(hash);
        var key = ((long)s << 32) | (uint)bucket;
        if (!buckets.TryGetValue(key, out var entries))
        {
            entries = segment.ReadBucket(bucket);
            if (Interlocked.Increment(ref cachedBuckets) > MaxCachedBuckets)
            {
                buckets.Clear();
                Interlocked.Exchange(ref cachedBuckets, 0);
            }

            buckets[key] = entries;
        }

        var i = Array.BinarySearch(entries.Hashes, hash);
        location = i >= 0 ? entries.Locations[i] : default;
        return i >= 0;
    }

    /// <summary>
    /// Checks, once per segment, the CRC of the segment that would hold <paramref name="hash"/>,
    /// before a miss there is reported as absence: a damaged entry or fanout could hide an object.
    /// A hit needs no such check (the record read there must carry the hash looked up), nor does a
    /// writer's "is it stored?" (a hidden object is written again, and the newer copy wins).
    /// </summary>
    /// <exception cref="CorruptDataException">The segment fails its checksum.</exception>
    public void VerifyMiss(Hash hash)
    {
        var s = directory is null ? 0 : directory.FindSegment(hash);
        if (s >= 0)
        {
            EnsureVerified(s);
        }
    }

    /// <summary>Every entry, in hash order across segments, read segment by segment, each segment's CRC checked first.</summary>
    public IEnumerable<(Hash Hash, Location Location)> Enumerate()
    {
        for (var s = 0; s < segments.Length; s++)
        {
            EnsureVerified(s);
            foreach (var entry in Segment(s).Enumerate())
            {
                yield return entry;
            }
        }
    }

    private static void CheckRecordHeader(ReadOnlySpan<byte> head, long position, long length, string where)
    {
        if (RecordHeader.TryParse(head) is not { Kind: RecordKind.Checkpoint } header || header.TotalLength != length)
        {
            throw new CorruptDataException(where, position, "the index checkpoint record header is damaged");
        }
    }

    /// <summary>
    /// Reads segment <paramref name="s"/>'s whole record and checks its CRC, the first time a miss
    /// in it is about to be trusted or it is enumerated: a damaged entry or fanout would otherwise
    /// make an object look absent. Done once per segment (two threads may both do it).
    /// </summary>
    private void EnsureVerified(int s)
    {
        if (Volatile.Read(ref verified[s]))
        {
            return;
        }

        var at = records[s];
        var record = new byte[at.Length];
        log.Read(at.Offset, record);
        if (!RecordHeader.ChecksumMatches(record))
        {
            throw new CorruptDataException(where, at.Offset, $"index checkpoint segment {s} fails its checksum");
        }

        Volatile.Write(ref verified[s], true);
    }

    private CheckpointSegment Segment(int s)
    {
        var segment = Volatile.Read(ref segments[s]);
        if (segment is null)
        {
            // Two threads may both open it; the first to publish wins and the other copy is dropped.
            var opened = OpenSegment(s);
            segment = Interlocked.CompareExchange(ref segments[s], opened, null) ?? opened;
        }

        return segment;
    }

    /// <summary>Opens segment <paramref name="s"/> of the directory and checks it against its directory entry.</summary>
    private CheckpointSegment OpenSegment(int s)
    {
        var listed = directory!.Segments[s];
        var position = listed.Location.Offset;
        Span<byte> head = stackalloc byte[RecordHeader.Size];
        log.Read(position, head);
        CheckRecordHeader(head, position, listed.Location.Length, where);
        var segment = CheckpointSegment.Open(log, position + RecordHeader.Size, listed.Location.Length - RecordHeader.Size, where);
        if (segment.Count != listed.Count)
        {
            throw new CorruptDataException(where, position, $"index checkpoint segment {s} holds {segment.Count} entries; the directory says {listed.Count}");
        }

        // The segment must hold exactly the hash range the directory gives it.
        if (segment.ReadEntryAt(0).Hash != listed.FirstHash
            || (s + 1 < segments.Length && segment.ReadEntryAt(segment.Count - 1).Hash.CompareTo(directory.Segments[s + 1].FirstHash) >= 0))
        {
            throw new CorruptDataException(where, position, $"index checkpoint segment {s} does not hold the hash range its directory entry gives");
        }

        return segment;
    }
}
