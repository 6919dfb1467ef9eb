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

    /// <summary>Sector <paramref name="sector"/> of <paramref name="image"/> replaced by first-half / second-half bytes.</summary>
    private static byte[] Tear(byte[] image, int sector, byte firstHalf, byte secondHalf)
    {
        image.AsSpan(sector * S, S / 2).Fill(firstHalf);
        image.AsSpan((sector * S) + (S / 2), S / 2).Fill(secondHalf);
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
    public void Torn_LastSectorOfWriteK_IsHalfNewHalfOld()
    {
        Assert.Equal(Tear(Image(0, 0, 0, 0, 0, 0, 0, 0), 0, A, 0), CrashImages.Torn(baseImage, writes, S, 1));
        // w2 covers sectors 1–2: sector 1 lands whole, sector 2 is torn.
        Assert.Equal(Tear(Image(A, B, 0, 0, 0, 0, 0, 0), 2, C, 0), CrashImages.Torn(baseImage, writes, S, 2));
        // w3 overwrites A: the old half is A, not zero.
        Assert.Equal(Tear(Image(A, B, C, 0, 0, 0, 0, 0), 0, D, A), CrashImages.Torn(baseImage, writes, S, 3));
        Assert.Equal(Tear(Image(D, B, C, 0, 0, 0, 0, 0), 5, E, 0), CrashImages.Torn(baseImage, writes, S, 4));
    }

    [Fact]
    public void Reordered_KeepsTheFlushedPrefix_AndDropsAnUnflushedSubset()
    {
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 64; seed++)
        {
            var drops = CrashImages.ReorderedDrops(writes, 4, seed);
            Assert.True(drops.IsSubsetOf([1, 2, 3]), $"seed {seed} drops {string.Join(",", drops)}");

            // Hand-computed: w1 (flushed) always kept; w2, w3, w4 each kept unless dropped.
            var expected = Image(
                drops.Contains(2) ? A : D,
                drops.Contains(1) ? (byte)0 : B,
                drops.Contains(1) ? (byte)0 : C,
                0,
                0,
                drops.Contains(3) ? (byte)0 : E,
                0,
                0);
            var image = CrashImages.Reordered(baseImage, writes, S, 4, seed);
            Assert.Equal(expected, image);
            Assert.Equal(image, CrashImages.Reordered(baseImage, writes, S, 4, seed)); // deterministic
            seen.Add(string.Join(",", drops.Order()));
        }

        // Over 64 seeds every one of the 8 subsets of {w2, w3, w4} shows up, including none and all.
        Assert.Equal(8, seen.Count);
    }

    [Fact]
    public void Reordered_AtCrashPointInFirstEpoch_MayLoseOnlyThatEpoch()
    {
        // k = 1: w1 has not been followed by a completed flush in the stream, so it may be lost.
        var images = Enumerable.Range(0, 32).Select(seed => CrashImages.Reordered(baseImage, writes, S, 1, seed)).ToList();
        Assert.All(images, image => Assert.True(
            image.SequenceEqual(Image(A, 0, 0, 0, 0, 0, 0, 0)) || image.SequenceEqual(Image(0, 0, 0, 0, 0, 0, 0, 0))));
        Assert.Equal(new byte[8 * S], CrashImages.Reordered(baseImage, writes, S, 0, 7));
    }

    [Fact]
    public void CrashPoint_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Prefix(baseImage, writes, S, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Prefix(baseImage, writes, S, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Torn(baseImage, writes, S, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrashImages.Reordered(baseImage, writes, S, 5, 1));
        Assert.Throws<ArgumentException>(() => CrashImages.Prefix(new byte[3 * S], writes, S, 4));
    }
}
