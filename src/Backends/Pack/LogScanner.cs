namespace IrminSharp.Backends.Pack;

/// <summary>
/// Walks the records between two log positions, reading the log in chunks of up to 1 MiB, and
/// tells what it finds: whole records (with their bytes, checksum checked), padding, and damage.
/// Opening uses it to index the log tail; fsck uses it to check the whole live log. After damage it
/// resynchronises at the next sector, since batches start on sector boundaries.
/// </summary>
internal sealed class LogScanner
{
    private const int ChunkBytes = 1 << 20;
    private readonly RingLog log;
    private byte[] buffer = [];
    private long chunkStart;
    private int chunkLength;

    public LogScanner(RingLog log) => this.log = log;

    /// <summary>Receives one finding: the position, what it is, the header if one parsed, and the record's bytes.</summary>
    public delegate void Visitor(long position, Finding finding, RecordHeader? header, ReadOnlySpan<byte> record);

    /// <summary>What the scanner found at a position.</summary>
    public enum Finding
    {
        /// <summary>A whole record whose checksum matches (of wrap padding, only the header is checked).</summary>
        Record,

        /// <summary>Zeros to the end of the sector: the padding after a batch.</summary>
        Padding,

        /// <summary>A kind byte of zero, but the rest of the sector holds data.</summary>
        DamagedPadding,

        /// <summary>Bytes that do not parse as a header, or a length past the range.</summary>
        DamagedHeader,

        /// <summary>A record whose checksum does not match.</summary>
        ChecksumMismatch,
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for each finding in [<paramref name="from"/>, <paramref name="to"/>):
    /// the position, the finding, the parsed header (for records and checksum mismatches) and the
    /// whole record's bytes (for damage, the bytes where a header would be), valid until the next call.
    /// </summary>
    public void Scan(long from, long to, Visitor visit)
    {
        chunkLength = 0;
        var position = from;
        while (position < to)
        {
            if (Math.Min(to - position, log.UntilWrap(position)) < RecordHeader.Size)
            {
                // Too short for a record (the range and the ring end on sector boundaries): only
                // padding can be here.
                var zero = RecordReader.IsZeroPadding(log, position);
                visit(position, zero ? Finding.Padding : Finding.DamagedPadding, null, default);
                position = NextSector(position + 1);
                continue;
            }

            if (!Covers(position, RecordHeader.Size))
            {
                Fill(position, RecordHeader.Size, to);
            }

            var at = (int)(position - chunkStart);
            if (buffer[at] == (byte)RecordKind.SectorPadding)
            {
                var sectorEnd = Math.Min(NextSector(position + 1), to);
                var padding = Covers(position, (int)(sectorEnd - position))
                    ? buffer.AsSpan(at, (int)(sectorEnd - position)).IndexOfAnyExcept((byte)0) < 0
                    : RecordReader.IsZeroPadding(log, position);
                visit(position, padding ? Finding.Padding : Finding.DamagedPadding, null, Covers(position, RecordHeader.Size) ? buffer.AsSpan(at, RecordHeader.Size) : default);
                position = NextSector(position + 1);
                continue;
            }

            var header = RecordHeader.TryParse(buffer.AsSpan(at, RecordHeader.Size));
            if (header is not { } h || h.TotalLength > to - position || h.TotalLength > log.UntilWrap(position))
            {
                visit(position, Finding.DamagedHeader, header, buffer.AsSpan(at, RecordHeader.Size));
                position = NextSector(position + 1);
                continue;
            }

            if (h.Kind == RecordKind.WrapPadding)
            {
                if (!RecordHeader.IsWrapPadding(buffer.AsSpan(at, RecordHeader.Size), log.UntilWrap(position)))
                {
                    visit(position, Finding.DamagedHeader, header, buffer.AsSpan(at, RecordHeader.Size));
                    position = NextSector(position + 1);
                    continue;
                }

                visit(position, Finding.Record, h, default);
                position += h.TotalLength;
                continue;
            }

            if (!Covers(position, h.TotalLength))
            {
                Fill(position, h.TotalLength, to);
                at = 0;
            }

            var record = buffer.AsSpan(at, h.TotalLength);
            if (!RecordHeader.ChecksumMatches(record))
            {
                visit(position, Finding.ChecksumMismatch, h, record);
                position = NextSector(position + 1);
                continue;
            }

            visit(position, Finding.Record, h, record);
            position += h.TotalLength;
        }
    }

    private bool Covers(long start, int length) => start >= chunkStart && start + length <= chunkStart + chunkLength;

    private void Fill(long start, int atLeast, long to)
    {
        var length = (int)Math.Min(Math.Min(to - start, log.UntilWrap(start)), Math.Max(ChunkBytes, atLeast));
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, 64 * 1024)];
        }

        log.Read(start, buffer.AsSpan(0, length));
        chunkStart = start;
        chunkLength = length;
    }

    private long NextSector(long position) => (position + log.SectorSize - 1) / log.SectorSize * log.SectorSize;
}
