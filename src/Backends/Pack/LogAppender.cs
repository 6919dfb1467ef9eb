using System.Buffers.Binary;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Writes records at the log's end in sector-aligned batches of at most
/// <see cref="PackOptions.BatchBytes"/>, wrapping the ring where needed. It never flushes, and it
/// never writes over the live log: a batch that would is refused with
/// <see cref="StoreFullException"/> before anything is written.
/// </summary>
internal sealed class LogAppender
{
    private readonly RingLog log;
    private readonly string where;
    private readonly int batchBytes;

    public LogAppender(RingLog log, string where, int batchBytes)
    {
        this.log = log;
        this.where = where;
        this.batchBytes = batchBytes;
    }

    /// <summary>
    /// Bytes at the end of the free space that appends must leave free (see
    /// <see cref="PackOptions.GcReserveBytes"/>); 0 while gc writes, which may use them.
    /// </summary>
    public long Reserve { get; set; }

    /// <summary>The largest payload one record can carry on this ring.</summary>
    public long MaxPayload => Math.Min(RecordHeader.MaxPayload, log.Capacity - RecordHeader.Size - log.SectorSize);

    /// <summary>
    /// Appends <paramref name="records"/> from <paramref name="end"/>, keeping clear of the live
    /// log that starts at <paramref name="liveStart"/>. Returns each record's location and the new
    /// end (a sector boundary).
    /// </summary>
    public (List<Location> Locations, long End) Append(long liveStart, long end, IReadOnlyList<(RecordKind Kind, Hash Hash, byte[] Payload)> records)
    {
        var sector = log.SectorSize;
        var position = end;
        var locations = new List<Location>(records.Count);
        var batch = new MemoryStream();
        var batchStart = position;

        void WriteBatch()
        {
            if (batch.Length == 0)
            {
                return;
            }

            var padded = (batch.Length + sector - 1) / sector * sector;
            batch.SetLength(padded);
            if (batchStart + padded - liveStart > log.Capacity - Reserve)
            {
                throw new StoreFullException(where, padded, Math.Max(0, log.Capacity - Reserve - (batchStart - liveStart)));
            }

            log.Write(batchStart, batch.GetBuffer().AsSpan(0, (int)padded));
            position = batchStart + padded;
            batchStart = position;
            batch.SetLength(0);
        }

        foreach (var (kind, hash, payload) in records)
        {
            if (payload.Length > MaxPayload)
            {
                throw new ObjectTooLargeException(hash, payload.Length, MaxPayload, where);
            }

            var length = RecordHeader.Size + payload.Length;
            if (batch.Length > 0 && batch.Length + length > batchBytes)
            {
                WriteBatch();
            }

            if (batch.Length == 0)
            {
                var roomToWrap = log.UntilWrap(batchStart);
                var needed = (length + sector - 1) / sector * (long)sector;
                if (needed > roomToWrap)
                {
                    WriteWrapPadding(batchStart, roomToWrap, liveStart);
                    batchStart += roomToWrap;
                    position = batchStart;
                }
            }

            var offset = batchStart + batch.Length;
            var record = new byte[length];
            RecordHeader.WriteRecord(record, kind, hash, payload);
            batch.Write(record);
            locations.Add(new Location(offset, length));
            if (batch.Length + (long)sector > log.UntilWrap(batchStart))
            {
                WriteBatch();
            }
        }

        WriteBatch();
        return (locations, position);
    }

    private void WriteWrapPadding(long position, long length, long liveStart)
    {
        if (position + length - liveStart > log.Capacity - Reserve)
        {
            throw new StoreFullException(where, length, Math.Max(0, log.Capacity - Reserve - (position - liveStart)));
        }

        var sector = new byte[log.SectorSize];
        RecordHeader.WriteRecord(sector, RecordKind.WrapPadding, default, []);
        BinaryPrimitives.WriteInt32LittleEndian(sector.AsSpan(4), (int)(length - RecordHeader.Size));
        // The padding's payload is whatever the ring held: its checksum is never checked.
        log.Write(position, sector);
    }
}
