using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Ref updates append a journal record the size of the change, not the whole table (a flood of
/// 2,000 pushes grew a server's log from 8 KB to 104 MB); opening replays the full table and the
/// journal after it; compaction writes the table again once the journal outgrows it.
/// </summary>
public sealed class RefsJournalTests
{
    private static Hash Add(PackStore pack, byte seed)
    {
        byte[] bytes = [seed];
        var hash = Hash.ComputeBlake3(bytes);
        pack.Objects.Add(hash, bytes);
        return hash;
    }

    [Fact]
    public void A_ref_update_appends_bytes_for_the_change_not_for_the_table()
    {
        using var pack = PackFixture.Create(PackFixture.NewDevice(sectors: 65_536));
        var target = Add(pack, 1);
        Assert.True(pack.Refs.CompareAndSwapAll([.. Enumerable.Range(0, 5000).Select(i => new RefSwap($"tags/release-{i:D5}", null, target))]));
        var before = pack.Stats().LogBytes;
        const int updates = 100;
        for (var i = 0; i < updates; i++)
        {
            Assert.True(pack.Refs.CompareAndSwap($"tags/flood-{i}", null, target, out _));
        }

        var perUpdate = (pack.Stats().LogBytes - before) / updates;
        Assert.True(perUpdate < 1024, $"{perUpdate} bytes appended per ref update with 5,000 refs (the whole table is about 250 KB)");
        Assert.Equal(5100, pack.Refs.List("tags/").Count);
    }

    [Fact]
    public void A_ref_update_from_a_value_to_itself_appends_nothing()
    {
        using var pack = PackFixture.Create(PackFixture.NewDevice(sectors: 4096));
        var target = Add(pack, 1);
        Assert.True(pack.Refs.CompareAndSwap("heads/main", null, target, out _));
        var before = pack.Stats().LogBytes;
        for (var i = 0; i < 50; i++)
        {
            Assert.True(pack.Refs.CompareAndSwap("heads/main", target, target, out var actual));
            Assert.Equal(target, actual);
        }

        Assert.True(pack.Refs.CompareAndSwapAll([new RefSwap("heads/main", target, target)]));
        Assert.Equal(before, pack.Stats().LogBytes);
        Assert.False(pack.Refs.CompareAndSwap("heads/main", Add(pack, 2), target, out _)); // still compared
    }

    [Fact]
    public void Reopening_replays_the_journal_and_compaction_keeps_it_short()
    {
        var device = PackFixture.NewDevice(sectors: 16_384);
        var options = new PackOptions { RefsCompactionBytes = 4096 };
        var model = new SortedDictionary<string, Hash>(StringComparer.Ordinal);
        var rng = new Random(20261201);
        var kinds = new HashSet<RecordKind>();
        var maxLinks = 0;
        using (var pack = PackFixture.Create(device, options))
        {
            Hash[] targets = [Add(pack, 1), Add(pack, 2), Add(pack, 3)];
            for (var step = 0; step < 400; step++)
            {
                var swaps = new List<RefSwap>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                var size = rng.Next(4) == 0 ? rng.Next(2, 30) : 1;
                for (var i = 0; i < size; i++)
                {
                    var name = $"tags/t{rng.Next(60)}";
                    if (!names.Add(name))
                    {
                        continue;
                    }

                    Hash? old = model.TryGetValue(name, out var v) ? v : null;
                    Hash? desired = rng.Next(5) == 0 ? null : targets[rng.Next(targets.Length)];
                    swaps.Add(new RefSwap(name, old, desired));
                }

                Assert.True(swaps.Count == 1
                    ? pack.Refs.CompareAndSwap(swaps[0].Name, swaps[0].Expected, swaps[0].Desired, out _)
                    : pack.Refs.CompareAndSwapAll(swaps));
                foreach (var swap in swaps)
                {
                    if (swap.Desired is { } d)
                    {
                        model[swap.Name] = d;
                    }
                    else
                    {
                        model.Remove(swap.Name);
                    }
                }

                var sb = pack.File.Current;
                kinds.Add(RecordReader.ReadRefs(pack.File.Log, "test", new Location(sb.RefsOffset, sb.RefsLength)).Kind);
                if (step % 40 == 39)
                {
                    var image = device.SnapshotImage();
                    using var reopened = PackFixture.Reopen(image, options);
                    Assert.Equal(model.ToList(), reopened.Refs.List());
                    using var reader = PackFixture.Reopen(image, options.AsReadOnly());
                    Assert.Equal(model.ToList(), reader.Refs.List());
                    maxLinks = Math.Max(maxLinks, RefsReplay.Load(reader.File.Log, reader.File.Current, "test").Journal.Links);
                }
            }
        }

        Assert.Contains(RecordKind.RefsJournal, kinds);
        Assert.Contains(RecordKind.Refs, kinds);
        Assert.InRange(maxLinks, 1, 40);
        using var closed = PackFixture.Reopen(device.SnapshotImage(), options);
        Assert.Equal(model.ToList(), closed.Refs.List());
    }

    [Fact]
    public void A_batch_is_all_or_nothing_and_one_refs_record()
    {
        using var pack = PackFixture.Create(PackFixture.NewDevice());
        var a = Add(pack, 1);
        var b = Add(pack, 2);
        Assert.True(pack.Refs.CompareAndSwap("tags/kept", null, a, out _));
        var generation = pack.File.Current.Generation;
        Assert.False(pack.Refs.CompareAndSwapAll([new RefSwap("tags/new", null, a), new RefSwap("tags/kept", b, a)]));
        Assert.False(pack.Refs.TryRead("tags/new", out _));
        Assert.Equal(generation, pack.File.Current.Generation);
        Assert.True(pack.Refs.CompareAndSwapAll([.. Enumerable.Range(0, 50).Select(i => new RefSwap($"tags/n{i}", null, b)), new RefSwap("tags/kept", a, null)]));
        Assert.Equal(generation + 1, pack.File.Current.Generation);
        Assert.Equal(50, pack.Refs.List().Count);
    }
}
