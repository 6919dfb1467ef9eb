using System.Diagnostics;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Single-bit flips in every record type and across every used sector of a small pack
/// (<see cref="CorruptionStore"/>) are detected, and never read back as data: every object, every
/// commit of every ref's history and every tree is read through the normal API after each flip
/// (<see cref="CorruptedImageCheck"/>).
/// </summary>
public sealed class CorruptionTests(ITestOutputHelper output)
{
    /// <summary>
    /// The sweep flips every this-many-th bit of the used bytes (a prime, so every bit position of
    /// a byte is hit); IRMIN_CORRUPTION_BIT_STRIDE=1 flips them all.
    /// </summary>
    private const int DefaultBitStride = 37;

    private static readonly Lazy<CorruptionStore> Store = new(CorruptionStore.Build);

    [Fact]
    public void TheStore_HoldsEveryRecordTypeAndObjectKind()
    {
        var labels = Store.Value.Regions.Select(r => r.Label).ToHashSet();
        foreach (var expected in new[]
        {
            "superblock newest: generation", "superblock older: crc", "refs table: payload", "refs journal: payload",
            "index checkpoint: payload", "object contents: payload", "object node: payload", "object inode: payload",
            "object commit: payload", "batch padding",
        })
        {
            Assert.Contains(expected, labels);
        }

        var commits = Store.Value.Contents.Keys.Select(h => PackFixture.Repo(PackFixture.Reopen((byte[])Store.Value.Image.Clone(), new PackOptions { ReadOnly = true })).GetCommit(h)).ToList();
        Assert.Contains(commits, c => c.Parents.Length == 2);
        Assert.Contains(commits, c => c.Parents.Length == 1);
        Assert.True(Store.Value.States[^1].Count >= 4, "main, old, feature and the tag v1");
        Assert.True(Store.Value.Regions.Count(r => r.Label == "index checkpoint: header") >= 3, "a checkpoint directory and its segments");
    }

    [Fact]
    public void BitFlip_InEveryRecordAndSuperblockField_IsDetectedAndNeverReadAsWrongData()
    {
        var store = Store.Value;
        var check = new CorruptedImageCheck(store);
        var watch = Stopwatch.StartNew();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var region in store.Regions)
        {
            var middle = region.Start + ((region.End - region.Start) / 2);
            foreach (var (index, bit) in new[] { (region.Start, 0), (middle, 3), (region.End - 1, 7) })
            {
                var image = (byte[])store.Image.Clone();
                image[index] ^= (byte)(1 << bit);
                var what = $"{region.Label} (record at {region.RecordPosition}), byte {index} bit {bit}";
                Assert.True(check.Check(image, region, what), $"{what}: not detected");
                counts[region.Label] = counts.GetValueOrDefault(region.Label) + 1;
            }
        }

        output.WriteLine($"flips per record type and field, all detected: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        output.WriteLine($"{counts.Values.Sum()} images in {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void SingleBitFlips_AcrossEveryUsedSector_AreAllDetected()
    {
        var store = Store.Value;
        var check = new CorruptedImageCheck(store);
        var stride = int.TryParse(Environment.GetEnvironmentVariable("IRMIN_CORRUPTION_BIT_STRIDE"), out var s) && s > 0 ? s : DefaultBitStride;
        var watch = Stopwatch.StartNew();
        var flips = new SortedDictionary<string, (int Flips, int Detected)>(StringComparer.Ordinal);
        var missed = new List<string>();
        var count = (int)(((store.UsedBytes * 8) + stride - 1) / stride);

        // Images are independent: check them on every core, each worker flipping its own copy.
        Parallel.For(
            0,
            count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (byte[])store.Image.Clone(),
            (k, _, image) =>
            {
                var bit = (long)k * stride;
                var index = bit / 8;
                var mask = (byte)(1 << (int)(bit % 8));
                var region = store.RegionAt(index);
                var type = region is null ? "unused" : region.IsSuperblock ? region.Label[..region.Label.IndexOf(':', StringComparison.Ordinal)] : region.Label;
                var what = $"{region?.Label ?? "unused"} (record at {region?.RecordPosition}), byte {index} bit {bit % 8}";
                image[index] ^= mask;
                bool detected;
                try
                {
                    // Read-only (with fsck, and every object read) on all images; read-write and
                    // every commit's whole tree on a quarter (the per-record test does both on all).
                    detected = check.Check(image, region, what, thorough: k % 4 == 0);
                }
                finally
                {
                    image[index] ^= mask;
                }

                lock (flips)
                {
                    var (n, d) = flips.GetValueOrDefault(type);
                    flips[type] = (n + 1, d + (detected ? 1 : 0));
                    if (!detected && region is not null)
                    {
                        missed.Add(what);
                    }
                }

                return image;
            },
            _ => { });

        var total = flips.Where(f => f.Key != "unused").Sum(f => f.Value.Flips);
        var found = flips.Where(f => f.Key != "unused").Sum(f => f.Value.Detected);
        output.WriteLine(
            $"corrupted images: {total} flips, {found} detected ({100.0 * found / Math.Max(1, total):F2}%), by record type: "
            + string.Join(", ", flips.Select(f => $"{f.Key} {f.Value.Detected}/{f.Value.Flips}"))
            + $"; every {stride}th bit of the {store.UsedBytes} used bytes ({store.UsedBytes / PackFixture.Sector} sectors: both superblocks and the log to its end), {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(missed.Count == 0, $"{missed.Count} flips not detected: {string.Join("; ", missed.Take(20))}");
        Assert.True(total > 1000, $"only {total} flips");
    }
}
