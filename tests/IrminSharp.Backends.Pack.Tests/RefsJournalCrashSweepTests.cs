using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// The crash sweep of <see cref="CrashSweepTests"/> over a ref-heavy workload: single swaps and
/// batches of tags and branches, with compaction made frequent and a gc in the middle, so that the
/// crash points fall in journal records, in compacted tables and in the chain gc cuts. Every crash
/// image of <see cref="CrashSweep"/> (prefixes, reordered and torn unflushed writes) opens clean at
/// an acknowledged state of the refs no older than the last swap its crash point covers.
/// </summary>
public sealed class RefsJournalCrashSweepTests(ITestOutputHelper output)
{
    private static readonly PackOptions SweepOptions = new() { BatchBytes = 64, RefsCompactionBytes = 1024, Durability = PackDurability.EveryRefUpdate };

    [Fact]
    public void EveryCrashPoint_InTheRefsJournal_RecoversAnAcknowledgedState()
    {
        var device = new MemoryBlockDevice(PackFixture.Sector, 4096, recordWrites: true);
        var baseImage = device.SnapshotImage();
        var acks = new AcknowledgedRefs();
        var kinds = new HashSet<RecordKind>();
        var rng = new Random(20261201);
        using (var pack = PackFixture.Create(device, SweepOptions))
        {
            using var repo = PackFixture.Repo(pack);
            var commits = new List<Hash>();
            for (var i = 0; i < 4; i++)
            {
                repo.Main.Set("a", i, "commit " + i);
                commits.Add(repo.Main.HeadHash!.Value);
            }

            acks.Capture(pack, device);
            for (var step = 0; step < 120; step++)
            {
                var refs = pack.Refs.List().ToDictionary(r => r.Key, r => r.Value);
                Hash? Current(string name) => refs.TryGetValue(name, out var v) ? v : null;
                Hash? Pick() => rng.Next(6) == 0 ? null : commits[rng.Next(commits.Count)];
                if (rng.Next(3) == 0)
                {
                    var names = Enumerable.Range(0, rng.Next(2, 12)).Select(_ => $"tags/t{rng.Next(40)}").Distinct().ToList();
                    Assert.True(pack.Refs.CompareAndSwapAll([.. names.Select(n => new RefSwap(n, Current(n), Pick()))]));
                }
                else
                {
                    var name = rng.Next(4) == 0 ? $"heads/b{rng.Next(3)}" : $"tags/t{rng.Next(40)}";
                    Assert.True(pack.Refs.CompareAndSwap(name, Current(name), Pick() ?? (name.StartsWith("heads/", StringComparison.Ordinal) ? commits[0] : null), out _));
                }

                var sb = pack.File.Current;
                kinds.Add(RecordReader.ReadRefs(pack.File.Log, "test", new Location(sb.RefsOffset, sb.RefsLength)).Kind);
                acks.Capture(pack, device);
                if (step == 60)
                {
                    pack.Gc(NativeSchema.Instance);
                    acks.Capture(pack, device);
                }
            }
        }

        Assert.Contains(RecordKind.RefsJournal, kinds);
        Assert.Contains(RecordKind.Refs, kinds);
        var sweep = new CrashSweep(baseImage, device.Writes, device.Flushes, PackFixture.Sector);
        sweep.Run(acks.First.Writes, (image, point, label) => acks.Check(image, point, SweepOptions, label));
        output.WriteLine($"refs journal crash sweep: {device.Writes.Count} writes, {device.Flushes} flushes; {sweep.Summary()}");
        Assert.True(sweep.Prefixes > 200 && sweep.Total > 1000, $"only {sweep.Summary()}");
    }
}
