using System.Net;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>What a server's sessions record in <see cref="SyncMetrics"/>.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task A_clone_a_push_and_a_refused_client_move_the_connection_transfer_and_byte_instruments()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("hits"), 10);
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions { Identity = fx.ServerIdentity, AllowedClients = [fx.ClientIdentity.Fingerprint] });
        using var recorder = new MeasurementRecorder();
        await using (server)
        {
            var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            using var device = SyncFixture.CounterRepository();
            await fx.RemoteTo(endPoint).CloneAsync(SyncStore.Of(device));
            device.Main.Set(StorePath.Parse("hits"), 11);
            await fx.RemoteTo(endPoint).PushAsync(SyncStore.Of(device), "main");

            using var strangerStore = SyncFixture.CounterRepository();
            var refused = await Assert.ThrowsAsync<SyncException>(() => fx.RemoteTo(endPoint, fx.Identity("stranger")).FetchAsync(SyncStore.Of(strangerStore)));
            Assert.Equal(SyncErrorKind.Unauthorized, refused.Kind);
        }

        // The server is stopped: every session has ended and recorded its end.
        var dump = recorder.Dump();
        Assert.True(recorder["connections.accepted"] == 3, dump);
        Assert.True(recorder["connections"] == 0, dump); // up and down again
        Assert.True(recorder["connections.refused{reason=handshake}"] == 1, dump);
        Assert.True(recorder["transfers{kind=fetch}"] == 1, dump);
        Assert.True(recorder["transfers{kind=push}"] == 1, dump);
        Assert.True(recorder["bytes.sent"] > 1000, dump);
        Assert.True(recorder["bytes.received"] > 1000, dump);
        Assert.True(recorder["push.conflicts"] == 0, dump);
        Assert.True(recorder["errors{kind=diverged}"] == 0, dump);
        Assert.Equal(11, hub.Main.Get(StorePath.Parse("hits")));
    }

    [Fact]
    public async Task Open_connections_count_while_a_client_holds_one()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("hits"), 1);
        using var recorder = new MeasurementRecorder();
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions { InsecureLoopback = true });
        await using (server)
        {
            var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            await using (var link = await PeerLink.ConnectAsync(endPoint))
            {
                await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(NativeSchema.Instance.Name, CounterContents.Instance.Name));
                await link.ExpectAsync(HandBuiltMessage.Welcome);
                Assert.True(recorder["connections"] == 1, recorder.Dump());
            }

            await server.WaitForSessionsAsync();
        }

        Assert.True(recorder["connections"] == 0, recorder.Dump());
    }

    /// <summary>
    /// A ref update whose expected value is no longer the ref's (another push moved it in between)
    /// is a push conflict, and a session that ended on a diverged error.
    /// </summary>
    [Fact]
    public async Task A_ref_update_from_a_stale_value_counts_as_a_push_conflict_and_a_diverged_error()
    {
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("hits"), 1);
        var before = hub.Main.HeadHash!.Value;
        hub.Main.Set(StorePath.Parse("hits"), 2);
        var now = hub.Main.HeadHash!.Value;
        using var recorder = new MeasurementRecorder();
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions { InsecureLoopback = true });
        await using (server)
        {
            var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            await using var link = await PeerLink.ConnectAsync(endPoint);
            await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(NativeSchema.Instance.Name, CounterContents.Instance.Name));
            await link.ExpectAsync(HandBuiltMessage.Welcome);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());

            // From the value before, to the value now: a fast-forward, but the ref is no longer where the pusher saw it.
            await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("heads/main", before, now, force: false));
            var frame = await link.ReceiveAsync();
            Assert.NotNull(frame);
            Assert.Equal(HandBuiltMessage.Error, frame.Type);
            var (kind, message) = HandBuiltMessage.ReadError(frame.Body);
            Assert.Equal("diverged", kind);
            Assert.Contains("moved on the remote", message, StringComparison.Ordinal);
            Assert.True(await link.ClosedByPeerAsync());
        }

        Assert.True(recorder["push.conflicts"] == 1, recorder.Dump());
        Assert.True(recorder["errors{kind=diverged}"] == 1, recorder.Dump());
        Assert.True(recorder["transfers{kind=push}"] == 0, recorder.Dump());
        Assert.Equal(now, hub.Main.HeadHash);
    }
}
