using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>
/// Crash images on a tiny 8-sector device, checked against hand-computed bytes. The workload:
/// w1 = sector 0 ← A; flush; w2 = sectors 1–2 ← B, C; w3 = sector 0 ← D; w4 = sector 5 ← E.
/// Every sector of a write is filled with one letter's byte value.
/// </summary>
public sealed class CrashImagesTests
{
    private const int S = 512;
    private const byte A = 0xA1, B = 0xB2, C = 0xC3, D = 0xD4, E = 0xE5;

    private readonly byte[] baseImage;
    private readonly IReadOnlyList<WriteRecord> writes;
    private readonly MemoryBlockDevice memory = new(S, 8);

    public CrashImagesTests()
    {
        baseImage = memory.SnapshotImage();
        using var device = new FaultInjectingBlockDevice(memory);
        device.Write(0, Fill(A));
        device.Flush();
        device.Write(1, [.. Fill(B), .. Fill(C)]);
        device.Write(0, Fill(D));
        device.Write(5, Fill(E));
        writes = device.Writes;
    }

    private static byte[] Fill(byte value) => Enumerable.Repeat(value, S).ToArray();

    /// <summary>An image whose sector i is filled with sectors[i].</summary>
    private static byte[] Image(params byte[] sectors)
    {
        Assert.Equal(8, sectors.Length);
        return sectors.SelectMany(Fill).ToArray();
    }

    /// <summary><paramref name="image"/> with <paramref name="count"/> bytes from <paramref name="at"/> set to <paramref name="value"/>.</summary>
    private static byte[] With(byte[] image, int at, int count, byte value)
    {
        image.AsSpan(at, count).Fill(value);
        return image;
    }

    [Fact]
    public void Recording_MatchesBetweenFaultInjectorAndMemoryDevice()
    {
        Assert.Equal(new[] { 0L, 1L, 0L, 5L }, writes.Select(w => w.Sector));
        Assert.Equal(new[] { 0, 1, 1, 1 }, writes.Select(w => w.FlushesBefore));
        Assert.Equal(writes.Select(w => (w.Sector, w.FlushesBefore)), memory.Writes.Select(w => (w.Sector, w.FlushesBefore)));
    }

    [Fact]
    public void Prefix_FirstKWrites_GivesExactImages()
    {
        Assert.Equal(Image(0, 0, 0, 0, 0, 0, 0, 0), CrashImages.Prefix(baseImage, writes, S, 0));
        Assert.Equal(Image(A, 0, 0, 0, 0, 0, 0, 0), CrashImages.Prefix(baseImage, writes, S, 1));
        Assert.Equal(Image(A, B, C, 0, 0, 0, 0, 0), CrashImages.Prefix(baseImage, writes, S, 2));
        Assert.Equal(Image(D, B, C, 0, 0, 0, 0, 0), CrashImages.Prefix(baseImage, writes, S, 3));
        Assert.Equal(Image(D, B, C, 0, 0, E, 0, 0), CrashImages.Prefix(baseImage, writes, S, 4));
        Assert.Equal(memory.SnapshotImage(), CrashImages.Prefix(baseImage, writes, S, 4));
        Assert.Equal(new byte[8 * S], baseImage); // the base image is not modified
    }

    [Fact]
    public void CrashPoints_OfPrefixesAndLastWrites()
    {
        Assert.Equal(new CrashPoint(0, 0), CrashImages.PrefixPoint(writes, 0, 1));
        Assert.Equal(new CrashPoint(1, 1), CrashImages.PrefixPoint(writes, 1, 1)); // the flush after w1 completed
        Assert.Equal(new CrashPoint(4, 1), CrashImages.PrefixPoint(writes, 4, 1));
        Assert.Equal(new CrashPoint(1, 0), CrashImages.LastWritePoint(writes, 1));
        Assert.Equal(new CrashPoint(3, 1), CrashImages.LastWritePoint(writes, 3));
        Assert.Equal(new[] { 0 }, CrashImages.Unflushed(writes, new CrashPoint(1, 0)));
        Assert.Empty(CrashImages.Unflushed(writes, new CrashPoint(1, 1)));
        Assert.Equal(new[] { 1, 2, 3 }, CrashImages.Unflushed(writes, new CrashPoint(4, 1)));
    }

    [Fact]
    public void Covers_NeedsBothTheWritesAndTheFlushes()
    {
        var mark = new DeviceMark(3, 1);
        Assert.True(new CrashPoint(3, 1).Covers(mark));
        Assert.True(new CrashPoint(4, 2).Covers(mark));
        Assert.False(new CrashPoint(2, 1).Covers(mark));
        Assert.False(new CrashPoint(4, 0).Covers(mark)); // issued after, but its flush never completed
    }

    [Fact]
    public void MemoryDevice_MarksItsPosition_AndGivesItsDurableImage()
    {
        Assert.Equal(new DeviceMark(4, 1), memory.Mark());

        // Only w1 was flushed: w2, w3 and w4 are not in the durable image, whatever was read back.
        Assert.Equal(Image(A, 0, 0, 0, 0, 0, 0, 0), memory.DurableImage());
        memory.Flush();
        Assert.Equal(memory.SnapshotImage(), memory.DurableImage());
        Assert.Throws<InvalidOperationException>(() => new MemoryBlockDevice(S, 8, recordWrites: false).DurableImage());
    }

    [Fact]
    public void Image_AppliesTheDurableWrites_ThenTheLandedOnesInTheirOrder()
    {
        var point = new CrashPoint(4, 1);
        Assert.Equal(Image(A, 0, 0, 0, 0, 0, 0, 0), CrashImages.Image(baseImage, writes, S, point, []));
        Assert.Equal(Image(D, 0, 0, 0, 0, E, 0, 0), CrashImages.Image(baseImage, writes, S, point, [3, 2]));
        Assert.Equal(Image(A, B, C, 0, 0, 0, 0, 0), CrashImages.Image(baseImage, writes, S, point, [1]));
        Assert.Equal(CrashImages.Prefix(baseImage, writes, S, 4), CrashImages.Image(baseImage, writes, S, point, [1, 2, 3]));

        // At (1, 0) w1 itself is unflushed, and may be lost.
        Assert.Equal(new byte[8 * S], CrashImages.Image(baseImage, writes, S, new CrashPoint(1, 0), []));
    }

    [Fact]
    public void AllLandings_EverySubset_AndEveryOrderOfOverlappingWrites()
    {
        // Disjoint unflushed writes: each subset once (2³).
        Assert.Equal(8, CrashImages.AllLandings(writes, new CrashPoint(4, 1), S).Count());

        // x = sector 0 ← A, y = sectors 0–1 ← B C, z = sector 1 ← D, all unflushed: x and y overlap,
        // y and z overlap. 1 empty + 3 single + {x,y} 2 + {x,z} 1 + {y,z} 2 + {x,y,z} 4 = 13.
        var (overlapping, start) = Overlapping();
        var point = new CrashPoint(3, 1);
        var landings = CrashImages.AllLandings(overlapping, point, S).ToList();
        Assert.Equal(13, landings.Count);
        Assert.Empty(landings[0]);
        // Between them, every outcome a crash can leave in sectors 0 and 1 (some landings give the
        // same bytes, as when y overwrites x): old or A or B, then old or C or D; B only with y's C
        // or z's D over it, C only with y's B or x's A over it. 7 in all.
        var outcomes = landings.Select(l => CrashImages.Image(start, overlapping, S, point, l)).Select(i => (i[0], i[S])).ToHashSet();
        Assert.Equal(new HashSet<(byte, byte)> { (0, 0), (A, 0), (0, D), (A, D), (B, C), (B, D), (A, C) }, outcomes);

        // All four outcomes of sectors 0 and 1 when all three land.
        var all = landings.Where(l => l.Count == 3).Select(l => CrashImages.Image(start, overlapping, S, point, l)).Select(i => (i[0], i[S])).ToHashSet();
        Assert.Equal(new HashSet<(byte, byte)> { (A, C), (A, D), (B, C), (B, D) }, all);
    }

    [Fact]
    public void SeededLanding_IsAStableShuffledSubsetOfTheUnflushedWrites()
    {
        var (overlapping, _) = Overlapping();
        var point = new CrashPoint(3, 1);
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 200; seed++)
        {
            var landing = CrashImages.SeededLanding(overlapping, point, seed);
            Assert.True(landing.All(i => i is 0 or 1 or 2) && landing.Distinct().Count() == landing.Count);
            Assert.Equal(landing, CrashImages.SeededLanding(overlapping, point, seed)); // deterministic
            seen.Add(string.Join(",", landing));
        }

        // Every subset and every order shows up: 1 + 3 + 6 + 6 = 16 sequences.
        Assert.Equal(16, seen.Count);
    }

    [Fact]
    public void Tear_Split_LandsTheLeadingBytesOfOneSector()
    {
        foreach (var offset in new[] { 1, 8, 40, 100, 159, 256, 511 })
        {
            var torn = CrashImages.Image(baseImage, writes, S, new CrashPoint(1, 0), [0], Tear.Split(0, 0, offset));
            Assert.True(torn.AsSpan(0, offset).ToArray().All(b => b == A) && torn.AsSpan(offset).ToArray().All(b => b == 0), $"split at {offset}");
        }

        // w2 covers sectors 1–2: torn in sector 2, sector 1 lands whole; torn in sector 1, sector 2 does not land.
        var late = CrashImages.Image(baseImage, writes, S, new CrashPoint(4, 1), [1], Tear.Split(1, 1, 100));
        Assert.Equal(With(Image(A, B, 0, 0, 0, 0, 0, 0), 2 * S, 100, C), late);
        var early = CrashImages.Image(baseImage, writes, S, new CrashPoint(4, 1), [1], Tear.Split(1, 0, 8));
        Assert.Equal(With(Image(A, 0, 0, 0, 0, 0, 0, 0), S, 8, B), early);

        // The old bytes are those before the write: w3 over A, torn at 40, with w4 landed after it.
        var over = CrashImages.Image(baseImage, writes, S, new CrashPoint(4, 1), [2, 3], Tear.Split(2, 0, 40));
        Assert.Equal(With(Image(A, 0, 0, 0, 0, E, 0, 0), 0, 40, D), over);
    }

    [Fact]
    public void Tear_Pieces_LandsSome512BytePiecesOfA4KSector()
    {
        var device = new MemoryBlockDevice(4096, 4);
        var start = device.SnapshotImage();
        device.Write(1, Enumerable.Repeat((byte)0x7E, 4096).ToArray());
        var torn = CrashImages.Image(start, device.Writes, 4096, new CrashPoint(1, 0), [0], Tear.Pieces(0, 0, 0b1000_0101));
        for (var piece = 0; piece < 8; piece++)
        {
            var expected = piece is 0 or 2 or 7 ? (byte)0x7E : (byte)0;
            Assert.True(torn.AsSpan(4096 + (piece * 512), 512).ToArray().All(b => b == expected), $"piece {piece}");
        }

        Assert.Throws<ArgumentException>(() => CrashImages.Image(start, device.Writes, 4096, new CrashPoint(1, 0), [0], Tear.Pieces(0, 0, 0x100)));
    }

    [Fact]
    public void CrashPoint_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Prefix(baseImage, writes, S, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Prefix(baseImage, writes, S, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.LastWritePoint(writes, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Unflushed(writes, new CrashPoint(5, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Unflushed(writes, new CrashPoint(1, 2))); // w2 came before a second flush
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Unflushed(writes, new CrashPoint(4, 0))); // w4 came after the first
        Assert.Throws<ArgumentException>(() => CrashImages.Prefix(new byte[3 * S], writes, S, 4));
    }

    [Fact]
    public void Image_RefusesLandingsAndTearsThatCannotHappen()
    {
        var point = new CrashPoint(4, 1);
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, point, [0])); // w1 is durable
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, point, [1, 1]));
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, new CrashPoint(2, 1), [2])); // w3 not yet issued
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, point, [1], Tear.Split(2, 0, 8))); // torn write not landed
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, point, [1], Tear.Split(1, 2, 8))); // w2 has two sectors
        Assert.Throws<ArgumentException>(() => CrashImages.Image(baseImage, writes, S, point, [1], Tear.Split(1, 0, S)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tear.Split(1, 0, 0));
        var many = new MemoryBlockDevice(S, 16);
        for (var i = 0; i < CrashImages.MaxExhaustiveWrites + 1; i++)
        {
            many.Write(i, Fill(A));
        }

        Assert.Throws<ArgumentException>(() => CrashImages.AllLandings(many.Writes, new CrashPoint(many.Writes.Count, 0), S).ToList());
    }

    /// <summary>After one flush: x = sector 0 ← A, y = sectors 0–1 ← B C, z = sector 1 ← D.</summary>
    private static (IReadOnlyList<WriteRecord> Writes, byte[] Start) Overlapping()
    {
        var device = new MemoryBlockDevice(S, 8);
        var start = device.SnapshotImage();
        device.Flush();
        device.Write(0, Fill(A));
        device.Write(0, [.. Fill(B), .. Fill(C)]);
        device.Write(1, Fill(D));
        return (device.Writes, start);
    }
}
