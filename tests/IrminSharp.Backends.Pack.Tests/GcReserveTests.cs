using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Ordinary writes leave a reserve free for gc, so that a store filled to "no space left" (by a
/// ref flood, or by objects no ref names) can always be collected with its own tools: before the
/// reserve, gc had no room for its copies and failed "no space left" too.
/// </summary>
public sealed class GcReserveTests
{
    [Fact]
    public void Gc_succeeds_on_a_full_store_and_frees_space_for_writes()
    {
        var device = PackFixture.NewDevice(sectors: 2048); // 1 MiB
        using var pack = PackFixture.Create(device);
        using var repo = Repository<string>.Open(pack.Objects, pack.Refs, StringContents.Instance);
        for (var i = 0; i < 3; i++)
        {
            repo.Main.Set($"live/{i}", new string((char)('a' + i), 20_000), "live data");
        }

        // Fill the log with objects no ref names, until it is full.
        var rng = new Random(7);
        var filled = 0;
        void Fill()
        {
            while (true)
            {
                var garbage = new byte[8192];
                rng.NextBytes(garbage);
                pack.Objects.Add(Hash.ComputeBlake3(garbage), garbage);
                pack.Flush();
                filled++;
            }
        }

        var full = Assert.Throws<StoreFullException>(Fill);
        Assert.True(filled > 50, $"only {filled} objects fitted");
        Assert.Contains("no space left", full.Message, StringComparison.Ordinal);

        var result = pack.Gc(NativeSchema.Instance);
        Assert.True(result.BytesAfter < result.BytesBefore / 4, $"gc left {result.BytesAfter} of {result.BytesBefore} bytes");
        repo.Main.Set("after", "gc", "a write after gc");
        Assert.Equal("gc", repo.Main.Find("after").Value);
        Assert.Equal(new string('c', 20_000), repo.Main.Find("live/2").Value);
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Ordinary_writes_leave_the_reserve_free()
    {
        var options = new PackOptions { GcReserveBytes = 256 * 1024 };
        using var pack = PackFixture.Create(PackFixture.NewDevice(sectors: 2048), options);
        void Fill()
        {
            for (var i = 0; ; i++)
            {
                var bytes = BitConverter.GetBytes(i).Concat(new byte[4000]).ToArray();
                pack.Objects.Add(Hash.ComputeBlake3(bytes), bytes);
                pack.Flush();
            }
        }

        Assert.Throws<StoreFullException>(Fill);
        var stats = pack.Stats();
        Assert.True(stats.CapacityBytes - stats.LogBytes >= 256 * 1024, $"{stats.CapacityBytes - stats.LogBytes} bytes left free");

        // gc may use the reserve: it writes what was refused (nothing names it) and collects it.
        pack.Gc(NativeSchema.Instance);
        Assert.True(pack.Stats().LogBytes < 64 * 1024);
    }
}
