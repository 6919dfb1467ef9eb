using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Reads one record at a known location and checks it: kind, length, hash and CRC. Damage is a
/// <see cref="CorruptDataException"/> naming the record; a failed read stays an
/// <see cref="IOException"/>, because a transient device error is not damage and must never make
/// the pack fall back to an older root.
/// </summary>
internal static class RecordReader
{
    /// <summary>Reads and verifies the record at <paramref name="location"/> and returns its payload.</summary>
    /// <exception cref="CorruptDataException">The record is damaged or is not the one expected.</exception>
    /// <exception cref="IOException">The device failed to read.</exception>
    public static byte[] Read(RingLog log, string where, Location location, RecordKind kind, Hash hash)
    {
        if (location.Length < RecordHeader.Size || location.Length > RecordHeader.Size + RecordHeader.MaxPayload
            || location.Offset < 0 || location.Length > log.UntilWrap(location.Offset))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(kind, hash)} record has an impossible location or length {location.Length}") { Object = Named(kind, hash) };
        }

        var record = new byte[location.Length];
        log.Read(location.Offset, record);
        var header = RecordHeader.TryParse(record);
        if (header is not { } h || h.Kind != kind || h.TotalLength != location.Length || (kind == RecordKind.Object && h.Hash != hash))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(kind, hash)} record header is damaged") { Object = Named(kind, hash) };
        }

        if (!RecordHeader.ChecksumMatches(record))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(kind, hash)} record fails its checksum") { Object = Named(kind, hash) };
        }

        return record.AsSpan(RecordHeader.Size).ToArray();
    }

    /// <summary>
    /// Reads and verifies the refs record at <paramref name="location"/>, a full table or a journal
    /// record, and returns its kind and payload.
    /// </summary>
    /// <exception cref="CorruptDataException">The record is damaged or is not a refs record.</exception>
    /// <exception cref="IOException">The device failed to read.</exception>
    public static (RecordKind Kind, byte[] Payload) ReadRefs(RingLog log, string where, Location location)
    {
        if (location.Length < RecordHeader.Size || location.Length > RecordHeader.Size + RecordHeader.MaxPayload
            || location.Offset < 0 || location.Length > log.UntilWrap(location.Offset))
        {
            throw new CorruptDataException(where, location.Offset, $"the refs record has an impossible location or length {location.Length}");
        }

        var record = new byte[location.Length];
        log.Read(location.Offset, record);
        var header = RecordHeader.TryParse(record);
        if (header is not { } h || h.Kind is not (RecordKind.Refs or RecordKind.RefsJournal) || h.TotalLength != location.Length)
        {
            throw new CorruptDataException(where, location.Offset, "the refs record header is damaged");
        }

        if (!RecordHeader.ChecksumMatches(record))
        {
            throw new CorruptDataException(where, location.Offset, $"the {Describe(h.Kind, default)} record fails its checksum");
        }

        return (h.Kind, record.AsSpan(RecordHeader.Size).ToArray());
    }

    /// <summary>Whether the bytes from <paramref name="position"/> to its sector's end are all zero.</summary>
    public static bool IsZeroPadding(RingLog log, long position)
    {
        var end = (position / log.SectorSize * log.SectorSize) + log.SectorSize;
        var rest = new byte[end - position];
        log.Read(position, rest);
        return rest.AsSpan().IndexOfAnyExcept((byte)0) < 0;
    }

    private static Hash? Named(RecordKind kind, Hash hash) => kind == RecordKind.Object ? hash : null;

    /// <summary>"object HASH" for objects, else the record kind in words.</summary>
    public static string Describe(RecordKind kind, Hash hash) => kind == RecordKind.Object ? $"object {hash}" : kind.ToString().ToLowerInvariant();
}
