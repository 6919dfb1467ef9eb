using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Three replicas (a hub and two devices) edit counters offline in random orders and sync at
/// random moments; once everyone has pulled and pushed, all hold the same commit and every
/// counter is the sum of every increment made anywhere.
/// </summary>
public sealed class ReplicaConvergenceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_offline_edits_and_syncs_converge_to_the_sum_of_all_increments(int seed)
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("start"), 0);
        var endPoint = fx.Serve(SyncStore.Of(hub));
        var remote = fx.RemoteTo(endPoint);
        using var a = SyncFixture.CounterRepository();
        using var b = SyncFixture.CounterRepository();
        Repository<long>[] devices = [a, b];
        foreach (var device in devices)
        {
            await remote.PullAsync(device, "main", CommitInfo.Now("t", "clone"));
        }

        var random = new Random(seed);
        var diverged = 0;
        var expected = new Dictionary<string, long>();
        var paths = new[] { "x", "y", "dir/z", "dir/w" };
        for (var step = 0; step < 60; step++)
        {
            var device = devices[random.Next(devices.Length)];
            switch (random.Next(4))
            {
                case 0:
                    await remote.PullAsync(device, "main", CommitInfo.Now("t", "pull"));
                    break;
                case 1:
                    try
                    {
                        await remote.PushAsync(SyncStore.Of(device), "main");
                    }
                    catch (SyncException e) when (e.Kind == SyncErrorKind.Diverged)
                    {
                        // Someone pushed first; this device merges at a later pull.
                        diverged++;
                    }

                    break;
                default:
                    var path = paths[random.Next(paths.Length)];
                    var by = random.Next(1, 10);
                    var p = StorePath.Parse(path);
                    device.Main.Set(p, (device.Main.TryGet(p, out var v) ? v : 0) + by);
                    expected[path] = expected.GetValueOrDefault(path) + by;
                    break;
            }
        }

        // Everyone syncs until converged: pull then push each device, twice round.
        for (var round = 0; round < 2; round++)
        {
            foreach (var device in devices)
            {
                await remote.PullAsync(device, "main", CommitInfo.Now("t", "final pull"));
                await remote.PushAsync(SyncStore.Of(device), "main");
            }
        }

        Assert.Equal(hub.Main.HeadHash, a.Main.HeadHash);
        Assert.Equal(hub.Main.HeadHash, b.Main.HeadHash);
        foreach (var (path, sum) in expected)
        {
            Assert.Equal(sum, hub.Main.Get(StorePath.Parse(path)));
        }

        // The hard case happened: the devices' histories diverged and were merged (a merge
        // commit has two parents); fast-forwards alone would prove nothing about merging.
        var merges = hub.Log(hub.Main.HeadHash!.Value).Count(c => c.Parents.Length == 2);
        output.WriteLine($"seed {seed}: {diverged} pushes refused as diverged during the random steps, {merges} merge commits in the hub's history");
        Assert.True(merges > 0, "the devices never diverged: nothing was merged");

        ObjectGraph.Reachable(a.Objects, [a.Main.HeadHash!.Value]);
        ObjectGraph.Reachable(hub.Objects, [hub.Main.HeadHash!.Value]);
    }
}
