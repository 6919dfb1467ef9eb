using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// The crash sweep of <see cref="CrashSweepTests"/> on a ring small enough that the log wraps
/// twice, with a gc each time a commit finds it full: the commit retried after each gc writes
/// into the region the gc freed, so a crash image in which they landed but gc's new root did not would hold a
/// root naming overwritten records. Every image must open clean at an acknowledged state no
/// older than the last one its crash point covers.
/// </summary>
public sealed class WrapCrashSweepTests(ITestOutputHelper output)
{
    private static readonly PackOptions SweepOptions = new() { CheckpointEvery = 40, GcReserveBytes = 16384, Durability = PackDurability.EveryRefUpdate };

    [Fact]
    public void EveryCrashPoint_WhileGcsAndCommitsWrapTheRing_RecoversAnAcknowledgedState()
    {
        var device = new MemoryBlockDevice(PackFixture.Sector, 192, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new AcknowledgedRefs();
        var gcs = 0;
        long logEnd, capacity;
        using (var pack = PackFixture.Create(device, SweepOptions))
        {
            using var repo = PackFixture.Repo(pack);
            var start = repo.Main.Set("a", 0).Hash;
            repo.CreateBranch("scratch", start);
            var scratch = repo.Branch("scratch");
            acks.Capture(pack, device);
            capacity = pack.File.Log.Capacity;
            for (var i = 1; pack.File.Current.LogEnd < 2 * capacity && i < 2000; i++)
            {
                // Mostly garbage (a scratch commit, then the branch reset to where it started), and
                // now and then a commit kept on main, so that the ring fills while the live set stays small.
                void Step()
                {
                    if (i % 8 == 0)
                    {
                        repo.Main.Set($"k{i % 3}", i);
                    }
                    else
                    {
                        var tip = scratch.Set("tmp", i).Hash;
                        acks.Capture(pack, device);
                        Assert.True(scratch.TrySetHead(tip, start));
                    }
                }

                try
                {
                    Step();
                }
                catch (StoreFullException)
                {
                    // Full, as a store in service gets: collect, and commit again. The retried
                    // commit then writes into the region the gc has just freed.
                    pack.Gc(NativeSchema.Instance);
                    gcs++;
                    acks.Capture(pack, device);
                    Step();
                }

                acks.Capture(pack, device);
            }

            logEnd = pack.File.Current.LogEnd;
        }

        Assert.True(logEnd >= 2 * capacity, $"the log reached {logEnd} of a {capacity}-byte ring: it did not wrap twice");
        var sweep = new CrashSweep(baseImage, device.Writes, device.Flushes, PackFixture.Sector);
        sweep.Run(acks.First.Writes, (image, point, label) => acks.Check(image, point, new PackOptions { CheckpointEvery = 40, ReadOnly = true }, label));
        output.WriteLine($"wrap crash sweep: {gcs} gcs, log end {logEnd} on a {capacity}-byte ring, {device.Writes.Count} writes, {device.Flushes} flushes; {sweep.Summary()}");
    }
}
