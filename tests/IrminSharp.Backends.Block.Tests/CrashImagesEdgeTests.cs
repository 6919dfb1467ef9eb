using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>
/// The edges <see cref="CrashImagesTests"/> leaves unchecked: which argument a refusal names and
/// what its message says, the exact boundaries of the checks (a write ending on the image's last
/// byte, exactly <see cref="CrashImages.MaxExhaustiveWrites"/> unflushed writes, a 30-piece tear),
/// the reproducibility of <see cref="CrashImages.SeededLanding"/> and how tears print. Streams are
/// built by hand from <see cref="WriteRecord"/>s on an 8-sector, 512-byte-sector image.
/// </summary>
public sealed class CrashImagesEdgeTests
{
    private const int S = 512;
    private static readonly byte[] BaseImage = new byte[8 * S];

    private static byte[] Fill(byte value, int sectors = 1) => Enumerable.Repeat(value, sectors * S).ToArray();

    /// <summary>w0 = sector 0 ← 0x11 (epoch 0), w1 = sectors 1–2 ← 0x22 (epoch 1), w2 = sector 7 ← 0x33 (epoch 1).</summary>
    private static WriteRecord[] Stream() =>
        [new(0, Fill(0x11), 0), new(1, Fill(0x22, 2), 1), new(7, Fill(0x33), 1)];

    [Fact]
    public void Validate_TheImageMustBeWholeSectors_OfAtLeastTwoBytes()
    {
        var ragged = Assert.Throws<ArgumentException>(() => CrashImages.Prefix(new byte[(8 * S) + 1], Stream(), S, 0));
        Assert.Equal("sectorSize", ragged.ParamName);
        Assert.StartsWith($"The image ({(8 * S) + 1} bytes) is not a whole number of {S}-byte sectors.", ragged.Message, StringComparison.Ordinal);

        Assert.Equal("sectorSize", Assert.Throws<ArgumentException>(() => CrashImages.Prefix(new byte[8], [], 1, 0)).ParamName);
        Assert.Equal("sectorSize", Assert.Throws<ArgumentException>(() => CrashImages.Prefix(new byte[8], [], 0, 0)).ParamName);

        // Image checks the image and the writes as Prefix does.
        Assert.Equal("sectorSize", Assert.Throws<ArgumentException>(() => CrashImages.Image(new byte[(8 * S) + 1], Stream(), S, new CrashPoint(1, 0), [])).ParamName);
        Assert.Equal("baseImage", Assert.Throws<ArgumentNullException>(() => CrashImages.Prefix(null!, Stream(), S, 0)).ParamName);
        Assert.Equal("writes", Assert.Throws<ArgumentNullException>(() => CrashImages.Prefix(BaseImage, null!, S, 0)).ParamName);

        // Two-byte sectors are the smallest accepted.
        Assert.Equal(new byte[] { 0, 0, 7, 7 }, CrashImages.Prefix(new byte[4], [new WriteRecord(1, [7, 7], 0)], 2, 1));
    }

    [Fact]
    public void Validate_AWriteMustBeWholeSectorsInsideTheImage_AndMayEndOnItsLastByte()
    {
        // w2 fills the last sector exactly.
        var whole = CrashImages.Prefix(BaseImage, Stream(), S, 3);
        Assert.True(whole.AsSpan(7 * S).ToArray().All(b => b == 0x33));

        foreach (var (bad, why) in new (WriteRecord, string)[]
        {
            (new(0, [], 0), "empty"),
            (new(0, new byte[S + 1], 0), "not whole sectors"),
            (new(-1, Fill(1), 0), "before the image"),
            (new(8, Fill(1), 0), "after the image"),
            (new(7, Fill(1, 2), 0), "running off the end"),
        })
        {
            var refused = Assert.Throws<ArgumentException>(() => CrashImages.Prefix(BaseImage, [Stream()[0], bad], S, 2));
            Assert.True(refused.ParamName == "writes", why);
            Assert.StartsWith($"Write 1 (sector {bad.Sector}, {bad.Data.Length} bytes) does not fit the {8 * S}-byte image.", refused.Message, StringComparison.Ordinal);
        }

        // Only the first k writes are checked: a bad write after the crash point is never applied.
        Assert.Equal(8 * S, CrashImages.Prefix(BaseImage, [Stream()[0], new(9, Fill(1), 0)], S, 1).Length);
    }

    [Fact]
    public void CrashPoints_OutOfRange_NameTheArgument()
    {
        var writes = Stream();
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Prefix(BaseImage, writes, S, 4)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.PrefixPoint(writes, -1, 2)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.PrefixPoint(writes, 4, 2)).ParamName);
        Assert.Equal(new CrashPoint(3, 2), CrashImages.PrefixPoint(writes, 3, 2));
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.LastWritePoint(writes, 0)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.LastWritePoint(writes, 4)).ParamName);
        Assert.Equal(new CrashPoint(3, 1), CrashImages.LastWritePoint(writes, 3));
        Assert.Throws<ArgumentNullException>(() => CrashImages.PrefixPoint(null!, 0, 0));
        Assert.Throws<ArgumentNullException>(() => CrashImages.LastWritePoint(null!, 1));
        Assert.Throws<ArgumentNullException>(() => CrashImages.Unflushed(null!, default));
    }

    [Fact]
    public void ValidatePoint_Boundaries()
    {
        var writes = Stream();
        Assert.Empty(CrashImages.Unflushed(writes, new CrashPoint(0, 0))); // nothing issued yet
        Assert.Equal(new[] { 0 }, CrashImages.Unflushed(writes, new CrashPoint(1, 0)));
        Assert.Empty(CrashImages.Unflushed(writes, new CrashPoint(1, 1))); // w1 was issued after the first flush completed
        Assert.Equal(new[] { 1, 2 }, CrashImages.Unflushed(writes, new CrashPoint(3, 1)));
        Assert.Empty(CrashImages.Unflushed(writes, new CrashPoint(3, 5))); // flushes after the last write

        foreach (var point in new[] { new CrashPoint(-1, 0), new CrashPoint(0, -1), new CrashPoint(4, 1), new CrashPoint(2, 0), new CrashPoint(1, 2) })
        {
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Unflushed(writes, point));
            Assert.True(refused.ParamName == "point", $"{point}: {refused.Message}");
        }

        var misfit = Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Unflushed(writes, new CrashPoint(1, 2)));
        Assert.StartsWith("The flushes completed do not fit the writes issued.", misfit.Message, StringComparison.Ordinal);
        Assert.Equal(new CrashPoint(1, 2), misfit.ActualValue);
    }

    [Fact]
    public void Image_Refusals_NameTheArgument_AndSayWhy()
    {
        var writes = Stream();
        var point = new CrashPoint(3, 1);
        Assert.Throws<ArgumentNullException>(() => CrashImages.Image(BaseImage, writes, S, point, null!));
        foreach (var landed in new int[][] { [-1], [3], [0], [2, 2] })
        {
            var refused = Assert.Throws<ArgumentException>(() => CrashImages.Image(BaseImage, writes, S, point, landed));
            Assert.Equal("landed", refused.ParamName);
            Assert.StartsWith($"Write {landed[^1]} is not an unflushed write at (k=3, f=1), or is named twice.", refused.Message, StringComparison.Ordinal);
        }

        var notLanded = Assert.Throws<ArgumentException>(() => CrashImages.Image(BaseImage, writes, S, point, [1], Tear.Split(2, 0, 8)));
        Assert.Equal("tear", notLanded.ParamName);
        Assert.StartsWith("The torn write 2 is not among those landed.", notLanded.Message, StringComparison.Ordinal);

        var pastTheEnd = Assert.Throws<ArgumentException>(() => CrashImages.Image(BaseImage, writes, S, point, [1], Tear.Split(1, 2, 8)));
        Assert.StartsWith("Write 1 has 2 sectors; sector 2 cannot be torn.", pastTheEnd.Message, StringComparison.Ordinal);
        var wideSplit = Assert.Throws<ArgumentException>(() => CrashImages.Image(BaseImage, writes, S, point, [1], Tear.Split(1, 0, S)));
        Assert.StartsWith($"A split at byte {S} is not inside a {S}-byte sector.", wideSplit.Message, StringComparison.Ordinal);

        // The point is checked before the landing: (1, 2) does not fit the stream.
        Assert.Equal("point", Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Image(BaseImage, writes, S, new CrashPoint(1, 2), [])).ParamName);
    }

    [Fact]
    public void AllLandings_AcceptsExactlyTheMaximum_AndChecksTheSectorSizeAtOnce()
    {
        var eight = Enumerable.Range(0, CrashImages.MaxExhaustiveWrites).Select(i => new WriteRecord(i, Fill(1), 0)).ToArray();
        Assert.Empty(CrashImages.AllLandings(eight, new CrashPoint(8, 0), S).First());

        var nine = eight.Append(new WriteRecord(0, Fill(1), 0)).ToArray();
        var tooMany = Assert.Throws<ArgumentException>(() => CrashImages.AllLandings(nine, new CrashPoint(9, 0), S));
        Assert.Equal("point", tooMany.ParamName);
        Assert.StartsWith("9 writes are unflushed at (k=9, f=0); at most 8 can be searched exhaustively.", tooMany.Message, StringComparison.Ordinal);

        // Refused when called, not when first enumerated.
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.AllLandings(Stream(), new CrashPoint(3, 1), 0));
    }

    [Fact]
    public void AllLandings_AdjacentWritesDoNotOverlap_ButOneSharedSectorDoes()
    {
        // Sectors 0–1 and 2–3 touch but share nothing: 4 landings. Sectors 0–1 and 1–2 share one: 5.
        WriteRecord[] adjacent = [new(0, Fill(1, 2), 0), new(2, Fill(2, 2), 0)];
        Assert.Equal(4, CrashImages.AllLandings(adjacent, new CrashPoint(2, 0), S).Count());
        Assert.Equal(4, CrashImages.AllLandings(adjacent.Reverse().ToArray(), new CrashPoint(2, 0), S).Count());
        WriteRecord[] sharing = [new(0, Fill(1, 2), 0), new(1, Fill(2, 2), 0)];
        Assert.Equal(5, CrashImages.AllLandings(sharing, new CrashPoint(2, 0), S).Count());
        Assert.Equal(5, CrashImages.AllLandings(sharing.Reverse().ToArray(), new CrashPoint(2, 0), S).Count());
    }

    /// <summary>
    /// The landings of a few seeds, pinned: a crash sweep reports the seed of a failing image, and
    /// that seed must give the same image on every runtime and after any refactoring (the values
    /// were computed independently from the SplitMix64 definition, in Python).
    /// </summary>
    [Fact]
    public void SeededLanding_GivesThePinnedLandings()
    {
        // One durable write, then six unflushed ones of epoch 3.
        var writes = new[] { new WriteRecord(0, Fill(1), 0) }
            .Concat(Enumerable.Range(1, 6).Select(i => new WriteRecord(i, Fill(1), 3))).ToArray();
        var point = new CrashPoint(7, 3);
        Assert.Equal(new[] { 6, 4, 2, 3 }, CrashImages.SeededLanding(writes, point, 0));
        Assert.Equal(new[] { 5, 4 }, CrashImages.SeededLanding(writes, point, 1));
        Assert.Equal(new[] { 5, 2 }, CrashImages.SeededLanding(writes, point, 2));
        Assert.Equal(new[] { 4 }, CrashImages.SeededLanding(writes, point, 3));
        Assert.Equal(new[] { 4, 5, 3, 6 }, CrashImages.SeededLanding(writes, point, -1));

        // k and f are mixed in with xor: at (1, 256) their bits cancel.
        WriteRecord[] late = [new(0, Fill(1), 256)];
        var kept = Enumerable.Range(0, 12).Select(seed => CrashImages.SeededLanding(late, new CrashPoint(1, 256), seed).Count);
        Assert.Equal(new[] { 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0 }, kept);
    }

    [Fact]
    public void Tear_RefusesNegativeArguments_AndPrintsWhatItTears()
    {
        Assert.Equal("write", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Split(-1, 0, 1)).ParamName);
        Assert.Equal("sector", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Split(0, -1, 1)).ParamName);
        Assert.Equal("write", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Pieces(-1, 0, 1)).ParamName);
        Assert.Equal("sector", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Pieces(0, -1, 1)).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Pieces(0, 0, -1)).ParamName);
        Assert.Equal("pieceSize", Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Pieces(0, 0, 1, 0)).ParamName);

        var split = Tear.Split(2, 1, 40);
        Assert.Equal((2, 1, 40, 0, 0), (split.Write, split.Sector, split.SplitAt, split.PieceMask, split.PieceSize));
        Assert.Equal("write 2 torn in its sector 1 at byte 40", split.ToString());
        var pieces = Tear.Pieces(3, 0, 0xa5);
        Assert.Equal((3, 0, -1, 0xa5, 512), (pieces.Write, pieces.Sector, pieces.SplitAt, pieces.PieceMask, pieces.PieceSize));
        Assert.Equal("write 3 torn in its sector 0, pieces a5 of 512 bytes", pieces.ToString());
        Assert.Equal("(k=4, f=1)", new CrashPoint(4, 1).ToString());
    }

    [Fact]
    public void DurableImage_OfADeviceThatDoesNotRecord_SaysWhy()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => new MemoryBlockDevice(S, 8, recordWrites: false).DurableImage());
        Assert.Equal("The durable image needs a device that records its writes.", refused.Message);
    }

    [Fact]
    public void Tear_Pieces_UpToThirtyPieces_OfASizeThatDividesTheSector()
    {
        // A 30-byte sector in 1-byte pieces: the highest piece alone lands.
        WriteRecord[] one = [new(0, Enumerable.Repeat((byte)9, 30).ToArray(), 0)];
        var torn = CrashImages.Image(new byte[60], one, 30, new CrashPoint(1, 0), [0], Tear.Pieces(0, 0, 1 << 29, 1));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i == 29 ? (byte)9 : (byte)0).ToArray(), torn);

        // Pieces of a later sector of the write land at their own offsets: 4-byte sectors in 2-byte
        // pieces, a write of bytes 1..8 at sector 1 torn in its second sector, only piece 1 landed.
        WriteRecord[] two = [new(1, [1, 2, 3, 4, 5, 6, 7, 8], 0)];
        var later = CrashImages.Image(new byte[16], two, 4, new CrashPoint(1, 0), [0], Tear.Pieces(0, 1, 0b10, 2));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 0 }, later);

        // 32 pieces cannot be masked in an int: refused even with no piece set.
        WriteRecord[] wide = [new(0, new byte[32], 0)];
        var tooMany = Assert.Throws<ArgumentException>(() => CrashImages.Image(new byte[32], wide, 32, new CrashPoint(1, 0), [0], Tear.Pieces(0, 0, 0, 1)));
        Assert.StartsWith("Mask 0 of 1-byte pieces does not fit a 32-byte sector.", tooMany.Message, StringComparison.Ordinal);

        // 200-byte pieces do not divide a 512-byte sector.
        var ragged = Assert.Throws<ArgumentException>(() => CrashImages.Image(BaseImage, Stream(), S, new CrashPoint(1, 0), [0], Tear.Pieces(0, 0, 1, 200)));
        Assert.Equal("sectorSize", ragged.ParamName);
    }
}
