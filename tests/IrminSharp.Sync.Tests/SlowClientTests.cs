using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>A client on a slow link holds its own session only: nothing in the server waits for it.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_slow_clone_under_way_does_not_hold_up_another_clone()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        SampleHistory.Grow(hub, 0, 20, 200);
        var endPoint = fx.Serve(SyncStore.Of(hub));
        await using var slowLink = new ShapingProxy(endPoint, bytesPerSecond: 8 * 1024);
        using var slowDevice = SyncFixture.CounterRepository();
        using var fastDevice = SyncFixture.CounterRepository();
        using var cancel = new CancellationTokenSource();

        var direct = fx.RemoteTo(endPoint);
        var slowRemote = new Remote("origin", new RemoteUrl("127.0.0.1", slowLink.EndPoint.Port, RemoteUrl.DefaultStore), direct.Options);
        var slow = slowRemote.CloneAsync(SyncStore.Of(slowDevice), cancellationToken: cancel.Token);
        while (slowLink.BytesForwarded < 16 * 1024 && !slow.IsCompleted)
        {
            await Task.Delay(20);
        }

        // The slow clone is sending objects (the server blocked writing to it); another completes.
        await direct.CloneAsync(SyncStore.Of(fastDevice)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(hub.Main.HeadHash, fastDevice.Main.HeadHash);
        Assert.False(slow.IsCompleted, "the slow clone should still be under way");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => slow);
    }
}
