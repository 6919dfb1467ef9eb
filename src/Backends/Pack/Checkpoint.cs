using System.Buffers.Binary;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// An index checkpoint: every object before a log position, sorted by hash, behind a fanout table
/// on the hash's leading bits. Opening reads only the header and fanout; a lookup reads the few
/// entries of one bucket.
/// </summary>
internal sealed class Checkpoint
{
    public const int EntrySize = 44;
    private const int HeaderSize = 24;
    private static ReadOnlySpan<byte> Magic => "IRMNIDX1"u8;

    private readonly RingLog log;
    private readonly long entriesPosition;
    private readonly uint[] fanout;
    private readonly int bits;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (Hash[] Hashes, Location[] Locations)> buckets = new();

    private Checkpoint(RingLog log, long entriesPosition, long count, int bits, uint[] fanout)
    {
        this.log = log;
        this.entriesPosition = entriesPosition;
        Count = count;
        this.bits = bits;
        this.fanout = fanout;
    }

    public long Count { get; }

    /// <summary>Encodes a checkpoint payload from entries sorted by hash.</summary>
    public static byte[] Encode(IReadOnlyList<(Hash Hash, Location Location)> sorted)
    {
        var bits = Math.Clamp((int)Math.Ceiling(Math.Log2(Math.Max(1, sorted.Count / 16.0))), 8, 16);
        var buckets = 1 << bits;
        var payload = new byte[HeaderSize + (buckets * 4) + ((long)sorted.Count * EntrySize)];
        var span = payload.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], sorted.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], bits);
        var fanoutSpan = span.Slice(HeaderSize, buckets * 4);
        var index = 0;
        for (var b = 0; b < buckets; b++)
        {
            while (index < sorted.Count && Bucket(sorted[index].Hash, bits) == b)
            {
                index++;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(fanoutSpan[(b * 4)..], (uint)index);
        }

        var entries = span[(HeaderSize + (buckets * 4))..];
        for (var i = 0; i < sorted.Count; i++)
        {
            var e = entries.Slice(i * EntrySize, EntrySize);
            sorted[i].Hash.CopyTo(e);
            BinaryPrimitives.WriteInt64LittleEndian(e[32..], sorted[i].Location.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(e[40..], sorted[i].Location.Length);
        }

        var crc = new System.IO.Hashing.Crc32(System.IO.Hashing.Crc32ParameterSet.Crc32C);
        crc.Append(span[..20]);
        crc.Append(fanoutSpan);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], crc.GetCurrentHashAsUInt32());
        return payload;
    }

    /// <summary>Opens the checkpoint whose payload starts at <paramref name="payloadPosition"/>, reading its header and fanout.</summary>
    public static Checkpoint Open(RingLog log, long payloadPosition, long payloadLength, string where)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        log.Read(payloadPosition, header);
        var count = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (!header[..8].SequenceEqual(Magic) || bits is < 8 or > 16 || count < 0
            || HeaderSize + ((1L << bits) * 4) + (count * EntrySize) != payloadLength)
        {
            throw new CorruptDataException(where, payloadPosition, "the index checkpoint header is invalid");
        }

        var fanoutBytes = new byte[(1 << bits) * 4];
        log.Read(payloadPosition + HeaderSize, fanoutBytes);
        var crc = new System.IO.Hashing.Crc32(System.IO.Hashing.Crc32ParameterSet.Crc32C);
        crc.Append(header[..20]);
        crc.Append(fanoutBytes);
        if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(header[20..]))
        {
            throw new CorruptDataException(where, payloadPosition, "the index checkpoint fanout fails its checksum");
        }

        var fanout = new uint[1 << bits];
        for (var i = 0; i < fanout.Length; i++)
        {
            fanout[i] = BinaryPrimitives.ReadUInt32LittleEndian(fanoutBytes.AsSpan(i * 4));
        }

        return new Checkpoint(log, payloadPosition + HeaderSize + fanoutBytes.Length, count, bits, fanout);
    }

    public bool TryFind(Hash hash, out Location location)
    {
        var (hashes, locations) = LoadBucket(Bucket(hash, bits));
        var i = Array.BinarySearch(hashes, hash);
        location = i >= 0 ? locations[i] : default;
        return i >= 0;
    }

    /// <summary>Every entry, in hash order.</summary>
    public IEnumerable<(Hash Hash, Location Location)> Enumerate()
    {
        for (var b = 0; b < fanout.Length; b++)
        {
            var (hashes, locations) = ReadBucket(b);
            for (var i = 0; i < hashes.Length; i++)
            {
                yield return (hashes[i], locations[i]);
            }
        }
    }

    private (Hash[] Hashes, Location[] Locations) LoadBucket(int bucket)
    {
        if (buckets.TryGetValue(bucket, out var cached))
        {
            return cached;
        }

        var loaded = ReadBucket(bucket);
        if (buckets.Count > 1 << 16)
        {
            buckets.Clear();
        }

        buckets[bucket] = loaded;
        return loaded;
    }

    private (Hash[] Hashes, Location[] Locations) ReadBucket(int bucket)
    {
        var start = bucket == 0 ? 0 : fanout[bucket - 1];
        var end = fanout[bucket];
        var n = (int)(end - start);
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
            var e = bytes.AsSpan(i * EntrySize, EntrySize);
            hashes[i] = Hash.FromBytes(e[..32]);
            locations[i] = new Location(BinaryPrimitives.ReadInt64LittleEndian(e[32..]), BinaryPrimitives.ReadInt32LittleEndian(e[40..]));
        }

        return (hashes, locations);
    }

    private static int Bucket(Hash hash, int bits)
    {
        Span<byte> first = stackalloc byte[Hash.MaxLength];
        hash.CopyTo(first);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(first) >> (32 - bits));
    }
}
