using System.Net;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary><see cref="RemoteOptions.LocalAddress"/>: a client connecting from a chosen address (a load harness spreads devices over 127/8).</summary>
public sealed class LocalAddressTests
{
    [Fact]
    public async Task A_remote_with_a_local_address_connects_from_it()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("hits"), 3);
        var endPoint = fx.Serve(SyncStore.Of(hub));
        var remote = fx.RemoteTo(endPoint);
        var fromElsewhere = new Remote("origin", remote.Url, remote.Options with { LocalAddress = IPAddress.Parse("127.0.0.23") });

        using var device = SyncFixture.CounterRepository();
        await fromElsewhere.CloneAsync(SyncStore.Of(device));

        Assert.Equal(3, device.Main.Get(StorePath.Parse("hits")));
        var line = await ServerLogWait.ForLineAsync(fx.ServerLog, ": fetch sent", TimeSpan.FromSeconds(10));
        Assert.StartsWith("127.0.0.23:", line, StringComparison.Ordinal);
    }
}
