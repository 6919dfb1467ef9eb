using System.Buffers.Binary;
using System.IO.Hashing;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The directory of a segmented index checkpoint (magic <c>IRMNIDXD</c>, in a kind-3 record): the
/// total entry count and, per segment in hash order, its first hash, record location and entry
/// count. Segments cover contiguous, disjoint hash ranges: segment i holds the hashes from its
/// first hash up to (not including) segment i + 1's.
/// </summary>
/// <remarks>
/// The directory is small (48 bytes a segment: 96 segments for 100 M objects), so opening reads and
/// checks all of it: the record CRC, its own CRC over the header and table, and that every segment
/// record lies between the log start and the directory record, in log order, without overlap.
/// </remarks>
internal sealed class CheckpointDirectory
{
    /// <summary>Bytes before the segment table: magic, total count, segment count, CRC.</summary>
    public const int HeaderSize = 24;

    /// <summary>Bytes per segment: first hash (32), record position (u64), record length (u32), entry count (u32).</summary>
    public const int SegmentSize = 48;

    /// <summary>The most segments a directory record can list.</summary>
    public const int MaxSegments = (RecordHeader.MaxPayload - HeaderSize) / SegmentSize;

    private const int SegmentCountOffset = 16;
    private const int CrcOffset = 20;

    private readonly CheckpointDirectoryEntry[] segments;
    private readonly Hash[] firstHashes;

    private CheckpointDirectory(CheckpointDirectoryEntry[] segments, long totalCount)
    {
        this.segments = segments;
        firstHashes = Array.ConvertAll(segments, s => s.FirstHash);
        TotalCount = totalCount;
    }

    /// <summary>The magic at the start of a directory payload.</summary>
    public static ReadOnlySpan<byte> Magic => "IRMNIDXD"u8;

    /// <summary>The segments, in hash order (and log order).</summary>
    public IReadOnlyList<CheckpointDirectoryEntry> Segments => segments;

    /// <summary>The number of entries in all segments.</summary>
    public long TotalCount { get; }

    /// <summary>
    /// Encodes a directory payload for segments already appended, in the order the encoder made
    /// them. Throws <see cref="ArgumentException"/> if they are not in hash and log order.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<CheckpointDirectoryEntry> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count is 0 or > MaxSegments)
        {
            throw new ArgumentException($"A directory lists 1 to {MaxSegments} segments, not {segments.Count}.", nameof(segments));
        }

        var payload = new byte[HeaderSize + (segments.Count * SegmentSize)];
        var span = payload.AsSpan();
        long total = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (s.FirstHash.IsEmpty || s.Count is < 1 or > CheckpointSegment.MaxEntries
                || s.Location.Offset < 0 || !PlausibleRecordLength(s.Location.Length, s.Count)
                || (i > 0 && (s.FirstHash.CompareTo(segments[i - 1].FirstHash) <= 0
                              || s.Location.Offset < segments[i - 1].Location.Offset + segments[i - 1].Location.Length)))
            {
                throw new ArgumentException($"Segment {i} is empty, too large, or out of hash or log order.", nameof(segments));
            }

            var e = span.Slice(HeaderSize + (i * SegmentSize), SegmentSize);
            s.FirstHash.CopyTo(e);
            BinaryPrimitives.WriteInt64LittleEndian(e[32..], s.Location.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(e[40..], s.Location.Length);
            BinaryPrimitives.WriteInt32LittleEndian(e[44..], s.Count);
            total += s.Count;
        }

        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], total);
        BinaryPrimitives.WriteInt32LittleEndian(span[SegmentCountOffset..], segments.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[CrcOffset..], Crc(span));
        return payload;
    }

    /// <summary>
    /// The payload length a directory whose header is <paramref name="header"/> must have, or -1 when
    /// the header's segment count is out of range. Lets a reader check the record length before
    /// reading the table.
    /// </summary>
    public static long ExpectedPayloadLength(ReadOnlySpan<byte> header)
    {
        var n = BinaryPrimitives.ReadUInt32LittleEndian(header[SegmentCountOffset..]);
        return n is 0 or > MaxSegments ? -1 : HeaderSize + ((long)n * SegmentSize);
    }

    /// <summary>
    /// Decodes and checks a directory payload whose record starts at <paramref name="recordPosition"/>.
    /// Every segment record must lie in [<paramref name="logStart"/>, <paramref name="recordPosition"/>).
    /// Throws <see cref="CorruptDataException"/> naming <paramref name="recordPosition"/>.
    /// </summary>
    public static CheckpointDirectory Decode(ReadOnlySpan<byte> payload, long recordPosition, long logStart, string where)
    {
        if (payload.Length < HeaderSize || !payload[..8].SequenceEqual(Magic))
        {
            throw new CorruptDataException(where, recordPosition, "the index checkpoint directory header is invalid");
        }

        if (ExpectedPayloadLength(payload) != payload.Length)
        {
            throw new CorruptDataException(where, recordPosition, "the index checkpoint directory's segment count does not match its length");
        }

        if (Crc(payload) != BinaryPrimitives.ReadUInt32LittleEndian(payload[CrcOffset..]))
        {
            throw new CorruptDataException(where, recordPosition, "the index checkpoint directory fails its checksum");
        }

        var n = (payload.Length - HeaderSize) / SegmentSize;
        var total = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        var segments = new CheckpointDirectoryEntry[n];
        long sum = 0;
        var floor = logStart;
        for (var i = 0; i < n; i++)
        {
            var e = payload.Slice(HeaderSize + (i * SegmentSize), SegmentSize);
            var first = Hash.FromBytes(e[..32]);
            var position = BinaryPrimitives.ReadInt64LittleEndian(e[32..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(e[40..]);
            var count = BinaryPrimitives.ReadInt32LittleEndian(e[44..]);
            if (count is < 1 or > CheckpointSegment.MaxEntries || !PlausibleRecordLength(length, count))
            {
                throw new CorruptDataException(where, recordPosition, $"index checkpoint segment {i} claims {count} entries in {length} bytes");
            }

            // Segments are appended in order before the directory, inside the live log.
            if (position < floor || position > recordPosition - length)
            {
                throw new CorruptDataException(where, recordPosition, $"index checkpoint segment {i} at {position} lies outside [{floor}, {recordPosition}) of the log");
            }

            if (i > 0 && first.CompareTo(segments[i - 1].FirstHash) <= 0)
            {
                throw new CorruptDataException(where, recordPosition, $"index checkpoint segment {i} is out of hash order");
            }

            segments[i] = new CheckpointDirectoryEntry(first, new Location(position, length), count);
            floor = position + length;
            sum += count;
        }

        if (sum != total)
        {
            throw new CorruptDataException(where, recordPosition, $"the index checkpoint directory claims {total} entries but its segments hold {sum}");
        }

        return new CheckpointDirectory(segments, total);
    }

    /// <summary>The segment whose hash range holds <paramref name="hash"/>, or -1 when it is below the first.</summary>
    public int FindSegment(Hash hash)
    {
        // The last segment whose first hash is at most the hash.
        int lo = 0, hi = firstHashes.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (firstHashes[mid].CompareTo(hash) <= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>Whether a segment record of <paramref name="length"/> bytes can hold <paramref name="count"/> entries with some fanout.</summary>
    private static bool PlausibleRecordLength(int length, int count)
    {
        var fanoutBytes = (long)length - RecordHeader.Size - CheckpointSegment.HeaderSize - ((long)count * CheckpointSegment.EntrySize);
        return fanoutBytes >= 4L << CheckpointSegment.MinBits && fanoutBytes <= 4L << CheckpointSegment.MaxBits
            && long.IsPow2(fanoutBytes);
    }

    private static uint Crc(ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(payload[..CrcOffset]);
        crc.Append(payload[HeaderSize..]);
        return crc.GetCurrentHashAsUInt32();
    }
}
