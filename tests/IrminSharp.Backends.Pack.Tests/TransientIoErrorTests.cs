using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// I/O errors that pass: at open, on reads, during commits and during gc. Each is reported to the
/// caller as an I/O error (never as damage), the store keeps working once the device does, and a
/// reopen finds everything that was acknowledged.
/// </summary>
public sealed class TransientIoErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void Read_FailsOnce_IsAnIoErrorAndTheNextReadWorks()
    {
        var memory = PackFixture.NewDevice();
        var device = new FaultInjectingBlockDevice(memory);
        using var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, new PackOptions { CacheBytes = 0 }, "test pack");
        using var repo = PackFixture.Repo(pack);
        repo.Main.Set("k", 5);
        Assert.True(repo.Objects.TryFindEntry(repo.Main.Head!.Root, "k", out var entry));
        Assert.True(pack.File.TryLocate(entry.Hash, out var location));
        device.FailRead(2 + (location.Offset / PackFixture.Sector));
        Assert.Throws<IOException>(() => pack.Objects.TryRead(entry.Hash, out _));
        device.Heal();
        Assert.True(pack.Objects.TryRead(entry.Hash, out _));
        Assert.True(pack.Fsck(NativeSchema.Instance).IsClean);
    }

    [Fact]
    public void Gc_ReadFailsDuringTheWalk_ChangesNothingAndSucceedsLater()
    {
        var memory = PackFixture.NewDevice();
        var device = new FaultInjectingBlockDevice(memory);
        using var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, new PackOptions { CacheBytes = 0 }, "test pack");
        using var repo = PackFixture.Repo(pack);
        for (var i = 0; i < 20; i++)
        {
            repo.Main.Set($"k{i % 4}", i);
        }

        var before = pack.File.Current;
        for (var s = 2L; s < 2 + (before.LogEnd / PackFixture.Sector); s++)
        {
            device.FailRead(s);
        }

        Assert.Throws<IOException>(() => pack.Gc(NativeSchema.Instance));
        device.Heal();
        Assert.Equal(before.LogStart, pack.File.Current.LogStart);
        repo.Main.Set("after", 1);
        pack.Gc(NativeSchema.Instance);
        Assert.Equal(19, repo.Main.Get("k3"));
        using var reopened = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
        Assert.True(reopened.Fsck(NativeSchema.Instance).IsClean);
        Assert.Equal(1, PackFixture.Repo(reopened).Main.Get("after"));
    }

    /// <summary>
    /// For every write of a workload (commits, checkpoints and two gcs), a run in which the device
    /// fails from that write on for one operation, then recovers: the failed operation throws an
    /// I/O error, later ones succeed, and a reopen holds every acknowledged state.
    /// </summary>
    [Fact]
    public void EveryWrite_FailingForOneOperation_LosesNothingAcknowledged()
    {
        var total = Run(failAt: null, out _);
        var runs = 0;
        var failures = 0;
        for (var at = 1; at <= total; at++)
        {
            Run(at, out var failed);
            runs++;
            failures += failed;
        }

        output.WriteLine($"transient write faults: {runs} runs, {failures} operations failed and were recovered from");
        Assert.True(failures >= total / 2, $"only {failures} of {runs} runs hit a fault");
    }

    private static int Run(int? failAt, out int failed)
    {
        failed = 0;
        var memory = PackFixture.NewDevice(sectors: 1024);
        var device = new FaultInjectingBlockDevice(memory);
        var acknowledged = new Dictionary<string, long>();
        var start = 0;
        using (var pack = PackStore.Create(device, NativeSchema.Instance.Name, Merge.CounterContents.Instance.Name, new PackOptions { CheckpointEvery = 6, BatchBytes = 512 }, "test pack"))
        {
            using var repo = PackFixture.Repo(pack);
            start = (int)device.WriteCount;
            for (var step = 0; step < 24; step++)
            {
                var armed = failAt is { } f && device.FailAfterWrites is null && device.WriteCount >= start + f - 1 && failed == 0;
                if (armed)
                {
                    device.FailAfterWrites = start + failAt!.Value - 1;
                }

                try
                {
                    if (step is 8 or 17)
                    {
                        pack.Gc(NativeSchema.Instance);
                    }
                    else
                    {
                        var key = $"k{step % 5}";
                        repo.Main.Set(key, step);
                        acknowledged[key] = step;
                    }
                }
                catch (IOException)
                {
                    failed++;
                }
                finally
                {
                    device.FailAfterWrites = null;
                }

                foreach (var (key, value) in acknowledged)
                {
                    Assert.Equal(value, repo.Main.Get(key));
                }
            }
        }

        using var reopened = PackFixture.Reopen(memory.SnapshotImage(), new PackOptions { ReadOnly = true });
        var fsck = reopened.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"fault at write {failAt}: {string.Join("; ", fsck.Problems)}");
        var again = PackFixture.Repo(reopened);
        foreach (var (key, value) in acknowledged)
        {
            Assert.Equal(value, again.Main.Get(key));
        }

        return (int)device.WriteCount - start;
    }
}
