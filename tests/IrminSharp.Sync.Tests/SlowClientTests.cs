using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>A client on a slow link holds its own session only: nothing in the server waits for it.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_stalled_clone_under_way_does_not_hold_up_another_clone()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        SampleHistory.Grow(hub, 0, 10, 200);
        var endPoint = fx.Serve(SyncStore.Of(hub));

        // A client whose link stops after 16 KiB (a device gone quiet mid-clone): its session is
        // in the middle of sending, waiting on it.
        await using var stalledLink = new ShapingProxy(endPoint, pauseAfterBytes: 16 * 1024);
        using var stalledDevice = SyncFixture.CounterRepository();
        using var otherDevice = SyncFixture.CounterRepository();
        var direct = fx.RemoteTo(endPoint);
        var stalledRemote = new Remote("origin", new RemoteUrl("127.0.0.1", stalledLink.EndPoint.Port, RemoteUrl.DefaultStore), direct.Options);
        var stalled = stalledRemote.CloneAsync(SyncStore.Of(stalledDevice));
        while (stalledLink.BytesForwarded < 16 * 1024 && !stalled.IsCompleted)
        {
            await Task.Delay(20);
        }

        // Another clone completes meanwhile (the limit only turns a hang into a failure).
        await direct.CloneAsync(SyncStore.Of(otherDevice)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(hub.Main.HeadHash, otherDevice.Main.HeadHash);
        Assert.False(stalled.IsCompleted, "the stalled clone should still be under way");

        // And the stalled one completes once its link goes on.
        stalledLink.Resume();
        await stalled;
        Assert.Equal(hub.Main.HeadHash, stalledDevice.Main.HeadHash);
    }
}
