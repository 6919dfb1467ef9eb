namespace IrminSharp.Backends.Block;

/// <summary>
/// How one write landed partly (a torn write): its sectors before <see cref="Sector"/> landed whole,
/// that sector landed in part, and its later sectors not at all. Within the torn sector either the
/// first <see cref="SplitAt"/> bytes are new and the rest old (<see cref="Split"/>), or the
/// <see cref="PieceSize"/>-byte pieces whose bit is set in <see cref="PieceMask"/> are new
/// (<see cref="Pieces"/>: a 4 KiB sector whose eight 512-byte pieces land independently).
/// </summary>
public sealed record Tear
{
    private Tear(int write, int sector, int splitAt, int pieceMask, int pieceSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(write);
        ArgumentOutOfRangeException.ThrowIfNegative(sector);
        Write = write;
        Sector = sector;
        SplitAt = splitAt;
        PieceMask = pieceMask;
        PieceSize = pieceSize;
    }

    /// <summary>The 0-based index of the torn write in the stream.</summary>
    public int Write { get; }

    /// <summary>The torn sector, counted from the write's first sector.</summary>
    public int Sector { get; }

    /// <summary>For a split: how many leading bytes of the sector are new; −1 for pieces.</summary>
    public int SplitAt { get; }

    /// <summary>For pieces: bit i set when piece i is new; 0 for a split.</summary>
    public int PieceMask { get; }

    /// <summary>For pieces: the piece size in bytes; 0 for a split.</summary>
    public int PieceSize { get; }

    /// <summary>Write <paramref name="write"/> torn in its sector <paramref name="sector"/> after <paramref name="newBytes"/> bytes (1 ≤ newBytes &lt; sector size).</summary>
    public static Tear Split(int write, int sector, int newBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(newBytes, 1);
        return new Tear(write, sector, newBytes, 0, 0);
    }

    /// <summary>Write <paramref name="write"/> torn in its sector <paramref name="sector"/>: only the pieces named by <paramref name="mask"/> landed.</summary>
    public static Tear Pieces(int write, int sector, int mask, int pieceSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(mask);
        return new Tear(write, sector, -1, mask, pieceSize);
    }

    /// <summary>Applies the torn write's new bytes over <paramref name="image"/>.</summary>
    internal void Apply(byte[] image, WriteRecord write, int sectorSize)
    {
        var sectors = write.Data.Length / sectorSize;
        if (Sector >= sectors)
        {
            throw new ArgumentException($"Write {Write} has {sectors} sectors; sector {Sector} cannot be torn.", nameof(write));
        }

        var data = write.Data.Span;
        var start = checked((int)(write.Sector * sectorSize));
        var torn = Sector * sectorSize;
        data[..torn].CopyTo(image.AsSpan(start));
        if (SplitAt >= 0)
        {
            if (SplitAt >= sectorSize)
            {
                throw new ArgumentException($"A split at byte {SplitAt} is not inside a {sectorSize}-byte sector.", nameof(sectorSize));
            }

            data.Slice(torn, SplitAt).CopyTo(image.AsSpan(start + torn));
            return;
        }

        var pieces = sectorSize / PieceSize;
        if (sectorSize % PieceSize != 0 || pieces > 30 || PieceMask >= 1 << pieces)
        {
            throw new ArgumentException($"Mask {PieceMask:x} of {PieceSize}-byte pieces does not fit a {sectorSize}-byte sector.", nameof(sectorSize));
        }

        for (var p = 0; p < pieces; p++)
        {
            if ((PieceMask >> p & 1) == 1)
            {
                data.Slice(torn + (p * PieceSize), PieceSize).CopyTo(image.AsSpan(start + torn + (p * PieceSize)));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        SplitAt >= 0 ? $"write {Write} torn in its sector {Sector} at byte {SplitAt}" : $"write {Write} torn in its sector {Sector}, pieces {PieceMask:x} of {PieceSize} bytes";
}
