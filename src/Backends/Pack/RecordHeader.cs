using System.Buffers.Binary;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The 44-byte header before every record: kind, payload length, hash, and a CRC32C of the
/// header's first 40 bytes followed by the payload.
/// </summary>
internal readonly record struct RecordHeader(RecordKind Kind, int PayloadLength, Hash Hash)
{
    public const int Size = 44;
    public const int MaxPayload = 256 << 20;
    private const int CrcOffset = 40;

    public int TotalLength => Size + PayloadLength;

    /// <summary>Writes the header and payload into <paramref name="destination"/>.</summary>
    public static int WriteRecord(Span<byte> destination, RecordKind kind, Hash hash, ReadOnlySpan<byte> payload)
    {
        var header = destination[..Size];
        header.Clear();
        header[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], payload.Length);
        if (!hash.IsEmpty)
        {
            hash.CopyTo(header.Slice(8, 32));
        }

        payload.CopyTo(destination[Size..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], Checksum(header[..CrcOffset], payload));
        return Size + payload.Length;
    }

    /// <summary>Parses a header; null when the bytes cannot be a header (bad kind or length).</summary>
    public static RecordHeader? TryParse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size || bytes[0] is 0 or > (byte)RecordKind.RefsJournal)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        if (length < 0 || length > MaxPayload)
        {
            return null;
        }

        return new RecordHeader((RecordKind)bytes[0], length, Hash.FromBytes(bytes.Slice(8, 32)));
    }

    /// <summary>
    /// Whether <paramref name="header"/> is the header of wrap padding reaching exactly to the end
    /// of the ring, <paramref name="untilWrap"/> bytes away. Its payload is whatever the ring held
    /// and is not checksummed, but its header is: it was written with a CRC over a zero length and
    /// no hash, and the length set afterwards. A damaged kind byte that reads as wrap padding would
    /// otherwise skip a record unchecked.
    /// </summary>
    public static bool IsWrapPadding(ReadOnlySpan<byte> header, long untilWrap)
    {
        if (header.Length < Size || header[0] != (byte)RecordKind.WrapPadding
            || Size + (long)BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != untilWrap)
        {
            return false;
        }

        Span<byte> canonical = stackalloc byte[Size];
        header[..Size].CopyTo(canonical);
        BinaryPrimitives.WriteInt32LittleEndian(canonical[4..], 0);
        return ChecksumMatches(canonical);
    }

    /// <summary>Whether a whole record (header and payload) has the CRC its header claims.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> record)
    {
        if (record.Length < Size)
        {
            return false;
        }

        return Checksum(record[..CrcOffset], record[Size..]) == BinaryPrimitives.ReadUInt32LittleEndian(record[CrcOffset..]);
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var crc = new System.IO.Hashing.Crc32(System.IO.Hashing.Crc32ParameterSet.Crc32C);
        crc.Append(header);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}
