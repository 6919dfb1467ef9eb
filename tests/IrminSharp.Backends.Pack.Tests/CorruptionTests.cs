using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>Single-bit flips anywhere in a pack are detected, never returned as data, and named by fsck.</summary>
public sealed class CorruptionTests(ITestOutputHelper output)
{
    [Fact]
    public void BitFlip_InAnySector_IsDetectedAndNeverReturnedAsData()
    {
        var device = PackFixture.NewDevice(sectors: 256);
        Dictionary<string, long> expected;
        var history = new List<Dictionary<string, long>>();
        List<(Hash Hash, Location Location)> objects;
        long logEnd;
        using (var pack = PackFixture.Create(device))
        {
            using var repo = PackFixture.Repo(pack);
            for (var i = 0; i < 12; i++)
            {
                repo.Main.Set($"dir{i % 3}/k{i}", i * 7);
                history.Add(Read(repo));
            }

            expected = Read(repo);
            objects = pack.File.IndexedObjects();
            logEnd = pack.File.Current.LogEnd;
        }

        var clean = device.SnapshotImage();
        var sectors = 2 + ((logEnd + PackFixture.Sector - 1) / PackFixture.Sector);
        int images = 0, detectedAtOpen = 0, namedByFsck = 0;
        for (var sector = 0L; sector < sectors; sector++)
        {
            foreach (var bit in new[] { 0, 1000, (PackFixture.Sector * 8) - 1 })
            {
                var image = (byte[])clean.Clone();
                var byteIndex = (sector * PackFixture.Sector) + (bit / 8);
                image[byteIndex] ^= (byte)(1 << (bit % 8));
                images++;
                PackStore pack;
                try
                {
                    pack = PackFixture.Reopen(image);
                }
                catch (CorruptDataException)
                {
                    detectedAtOpen++;
                    continue;
                }

                using (pack)
                {
                    var hit = sector >= 2
                        ? objects.Where(o => byteIndex - (2 * PackFixture.Sector) >= o.Location.Offset && byteIndex - (2 * PackFixture.Sector) < o.Location.Offset + o.Location.Length).ToList()
                        : [];
                    using var repo = PackFixture.Repo(pack);
                    try
                    {
                        var actual = Read(repo);
                        // A damaged newest superblock falls back to the previous root: an older
                        // acknowledged state, never a state that did not exist.
                        var allowed = sector < 2 || pack.RecoveryNote is not null ? history : [expected];
                        Assert.True(allowed.Any(state => Same(state, actual)), $"sector {sector} bit {bit}: wrong data returned");
                    }
                    catch (IrminException)
                    {
                        // Detected on read: a clear error instead of data.
                    }

                    var fsck = pack.Fsck(NativeSchema.Instance);
                    if (pack.RecoveryNote is not null)
                    {
                        Assert.Contains(fsck.Problems, p => p.Subject == "superblock");
                    }

                    foreach (var (hash, _) in hit)
                    {
                        Assert.True(fsck.Problems.Any(p => p.Subject.Contains(hash.ToString(), StringComparison.Ordinal)), $"sector {sector} bit {bit}: fsck did not name object {hash}");
                        namedByFsck++;
                    }
                }
            }
        }

        output.WriteLine($"{images} corrupted images: {detectedAtOpen} refused at open, {namedByFsck} damaged objects named by fsck");
        Assert.True(namedByFsck > 10);
    }

    private static bool Same(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static Dictionary<string, long> Read(Repository<long> repo) =>
        repo.Main.Tree.EnumerateContents().ToDictionary(e => e.Key.ToString(), e => repo.Decode(e.Value.Value));
}
