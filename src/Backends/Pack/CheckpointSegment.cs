using System.Buffers.Binary;
using System.IO.Hashing;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// One segment of an index checkpoint (magic <c>IRMNIDX1</c>): entries sorted by hash behind a
/// fanout table on the hash's leading bits. A small index is a single segment; a large one is
/// several, each covering a contiguous hash range, listed by a <see cref="CheckpointDirectory"/>.
/// </summary>
/// <remarks>
/// Opening reads only the header and fanout and checks the fanout's CRC and shape; a lookup reads
/// the entries of one bucket. Entries are not checksummed here: each is checked on use (the record
/// it points to must be an object record with that hash and a good CRC), and fsck checks the whole
/// record's CRC.
/// </remarks>
internal sealed class CheckpointSegment
{
    /// <summary>Bytes per entry: hash (32), record position (u64), record total length (u32).</summary>
    public const int EntrySize = 44;

    /// <summary>Bytes before the fanout: magic, count, fanout bits, CRC.</summary>
    public const int HeaderSize = 24;

    /// <summary>The fewest fanout bits.</summary>
    public const int MinBits = 8;

    /// <summary>The most fanout bits.</summary>
    public const int MaxBits = 16;

    /// <summary>The most entries a segment can hold and still fit in one record (6,094,847).</summary>
    public const int MaxEntries = (RecordHeader.MaxPayload - HeaderSize - ((1 << MaxBits) * 4)) / EntrySize;

    private const int CrcOffset = 20;
    private const int EnumerateChunkEntries = 1 << 14;

    private readonly RingLog log;
    private readonly string where;
    private readonly long recordPosition;
    private readonly long entriesPosition;
    private readonly uint[] fanout;

    private CheckpointSegment(RingLog log, string where, long recordPosition, long count, int bits, uint[] fanout)
    {
        this.log = log;
        this.where = where;
        this.recordPosition = recordPosition;
        entriesPosition = recordPosition + RecordHeader.Size + HeaderSize + (fanout.Length * 4L);
        Count = count;
        Bits = bits;
        this.fanout = fanout;
    }

    /// <summary>The magic at the start of a segment payload.</summary>
    public static ReadOnlySpan<byte> Magic => "IRMNIDX1"u8;

    /// <summary>The number of entries.</summary>
    public long Count { get; }

    /// <summary>The fanout bits b: the fanout has 2^b buckets.</summary>
    public int Bits { get; }

    /// <summary>The fanout bits the encoder uses for <paramref name="count"/> entries: about 16 entries per bucket.</summary>
    public static int BitsFor(long count) =>
        Math.Clamp((int)Math.Ceiling(Math.Log2(Math.Max(1, count / 16.0))), MinBits, MaxBits);

    /// <summary>The payload length the encoder produces for <paramref name="count"/> entries.</summary>
    public static long PayloadLength(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return checked(HeaderSize + ((1L << BitsFor(count)) * 4) + (count * EntrySize));
    }

    /// <summary>Writes one entry's 44 bytes.</summary>
    public static void WriteEntry(Span<byte> destination, Hash hash, Location location)
    {
        var e = destination[..EntrySize];
        e[..32].Clear();
        hash.CopyTo(e);
        BinaryPrimitives.WriteInt64LittleEndian(e[32..], location.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(e[40..], location.Length);
    }

    /// <summary>Reads one entry's 44 bytes.</summary>
    public static (Hash Hash, Location Location) ReadEntry(ReadOnlySpan<byte> entry) =>
        (Hash.FromBytes(entry[..32]), new Location(BinaryPrimitives.ReadInt64LittleEndian(entry[32..]), BinaryPrimitives.ReadInt32LittleEndian(entry[40..])));

    /// <summary>
    /// Encodes a segment payload from <paramref name="count"/> entries already laid out as in the
    /// payload (44 bytes each, sorted by hash).
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> entries, int count)
    {
        if (count < 0 || count > MaxEntries || entries.Length < count * EntrySize)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A segment holds 0 to {MaxEntries} entries, all of them in the buffer.");
        }

        var bits = BitsFor(count);
        var buckets = 1 << bits;
        var payload = new byte[PayloadLength(count)];
        var span = payload.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], count);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], bits);
        var fanoutSpan = span.Slice(HeaderSize, buckets * 4);
        var index = 0;
        for (var b = 0; b < buckets; b++)
        {
            while (index < count && BucketOf(entries.Slice(index * EntrySize, 4), bits) == b)
            {
                index++;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(fanoutSpan[(b * 4)..], (uint)index);
        }

        entries[..(count * EntrySize)].CopyTo(span[(HeaderSize + fanoutSpan.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[CrcOffset..], HeaderCrc(span[..CrcOffset], fanoutSpan));
        return payload;
    }

    /// <summary>
    /// Opens the segment whose payload starts at <paramref name="payloadPosition"/>: reads and checks
    /// its header and fanout. Throws <see cref="CorruptDataException"/> naming the position of the
    /// segment's record (the payload position less the record header).
    /// </summary>
    public static CheckpointSegment Open(RingLog log, long payloadPosition, long payloadLength, string where)
    {
        ArgumentNullException.ThrowIfNull(log);
        var recordPosition = payloadPosition - RecordHeader.Size;
        if (payloadPosition < RecordHeader.Size || payloadLength < HeaderSize || payloadLength > RecordHeader.MaxPayload)
        {
            throw new CorruptDataException(where, recordPosition, $"an index checkpoint segment cannot be {payloadLength} bytes long");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        log.Read(payloadPosition, header);
        var count = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);

        // count is bounded by the payload length before it is multiplied, so nothing overflows.
        if (!header[..8].SequenceEqual(Magic) || bits is < MinBits or > MaxBits
            || count < 0 || count > (payloadLength - HeaderSize) / EntrySize
            || HeaderSize + ((1L << bits) * 4) + (count * EntrySize) != payloadLength)
        {
            throw new CorruptDataException(where, recordPosition, "the index checkpoint header is invalid");
        }

        var fanoutBytes = new byte[(1 << bits) * 4];
        log.Read(payloadPosition + HeaderSize, fanoutBytes);
        if (HeaderCrc(header[..CrcOffset], fanoutBytes) != BinaryPrimitives.ReadUInt32LittleEndian(header[CrcOffset..]))
        {
            throw new CorruptDataException(where, recordPosition, "the index checkpoint fanout fails its checksum");
        }

        var fanout = new uint[1 << bits];
        uint previous = 0;
        for (var i = 0; i < fanout.Length; i++)
        {
            fanout[i] = BinaryPrimitives.ReadUInt32LittleEndian(fanoutBytes.AsSpan(i * 4));
            if (fanout[i] < previous)
            {
                throw new CorruptDataException(where, recordPosition, "the index checkpoint fanout decreases");
            }

            previous = fanout[i];
        }

        if (previous != count)
        {
            throw new CorruptDataException(where, recordPosition, $"the index checkpoint fanout ends at {previous}, not at its count {count}");
        }

        return new CheckpointSegment(log, where, recordPosition, count, bits, fanout);
    }

    /// <summary>The fanout bucket of <paramref name="hash"/> in this segment.</summary>
    public int BucketOf(Hash hash)
    {
        Span<byte> first = stackalloc byte[Hash.MaxLength];
        first.Clear();
        hash.CopyTo(first);
        return BucketOf(first, Bits);
    }

    /// <summary>Reads the entries of one bucket, in hash order.</summary>
    public (Hash[] Hashes, Location[] Locations) ReadBucket(int bucket)
    {
        var start = bucket == 0 ? 0 : fanout[bucket - 1];
        var n = (int)(fanout[bucket] - start);
        var hashes = new Hash[n];
        var locations = new Location[n];
        if (n == 0)
        {
            return (hashes, locations);
        }

        var bytes = new byte[n * EntrySize];
        log.Read(entriesPosition + ((long)start * EntrySize), bytes);
        for (var i = 0; i < n; i++)
        {
            (hashes[i], locations[i]) = ReadEntry(bytes.AsSpan(i * EntrySize, EntrySize));
        }

        return (hashes, locations);
    }

    /// <summary>Reads the entry at <paramref name="index"/> (0 to <see cref="Count"/> − 1).</summary>
    public (Hash Hash, Location Location) ReadEntryAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Span<byte> entry = stackalloc byte[EntrySize];
        log.Read(entriesPosition + (index * EntrySize), entry);
        return ReadEntry(entry);
    }

    /// <summary>
    /// Every entry, in hash order, read in chunks of about 700 KiB. Entries out of order throw
    /// <see cref="CorruptDataException"/>.
    /// </summary>
    public IEnumerable<(Hash Hash, Location Location)> Enumerate()
    {
        var buffer = new byte[(int)Math.Min(Count, EnumerateChunkEntries) * EntrySize];
        Hash previous = default;
        for (long done = 0; done < Count;)
        {
            var n = (int)Math.Min(Count - done, EnumerateChunkEntries);
            var chunk = buffer.AsMemory(0, n * EntrySize);
            log.Read(entriesPosition + (done * EntrySize), chunk.Span);
            for (var i = 0; i < n; i++)
            {
                var entry = ReadEntry(chunk.Span.Slice(i * EntrySize, EntrySize));
                if (done + i > 0 && entry.Hash.CompareTo(previous) <= 0)
                {
                    throw new CorruptDataException(where, recordPosition, $"index checkpoint entry {done + i} is out of hash order");
                }

                previous = entry.Hash;
                yield return entry;
            }

            done += n;
        }
    }

    private static int BucketOf(ReadOnlySpan<byte> hashBytes, int bits) =>
        (int)(BinaryPrimitives.ReadUInt32BigEndian(hashBytes) >> (32 - bits));

    private static uint HeaderCrc(ReadOnlySpan<byte> header, ReadOnlySpan<byte> fanout)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(header);
        crc.Append(fanout);
        return crc.GetCurrentHashAsUInt32();
    }
}
