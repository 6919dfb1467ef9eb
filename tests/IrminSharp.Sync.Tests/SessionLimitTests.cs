using System.Net;
using System.Net.Sockets;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Limits on what one authenticated client may hold: sessions per certificate, a session's
/// lifetime however it paces its requests, and the busy answers a flood of connections costs.
/// </summary>
public sealed class SessionLimitTests
{
    [Fact]
    public async Task One_certificate_holds_at_most_its_share_of_sessions_and_another_still_gets_in()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        var other = fx.Identity("other");
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions
            {
                Identity = fx.ServerIdentity,
                AllowedClients = [fx.ClientIdentity.Fingerprint, other.Fingerprint],
                MaxSessionsPerClient = 2,
                Log = line => { lock (log) { log.Add(line); } },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = fx.RemoteTo(endPoint);

        // The client's certificate holds two idle sessions: a third is answered busy.
        var first = await ClientSession.OpenAsync(remote.Url, remote.Options, "", "", CancellationToken.None);
        await using var second = await ClientSession.OpenAsync(remote.Url, remote.Options, "", "", CancellationToken.None);
        using var client = SyncFixture.CounterRepository();
        var busy = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Busy, busy.Kind);
        Assert.Contains("2 sessions", busy.Message, StringComparison.Ordinal);

        // Another device's certificate is not held up by it.
        using var device = SyncFixture.CounterRepository();
        await fx.RemoteTo(endPoint, other).FetchAsync(SyncStore.Of(device));
        Assert.True(device.Refs.TryRead("remotes/origin/main", out _));

        // One session ends: the client's retry gets in.
        await first.DisposeAsync();
        var patient = new Remote(remote.Name, remote.Url, remote.Options with { Timeout = TimeSpan.FromSeconds(20), RetryBaseDelay = TimeSpan.FromMilliseconds(50) });
        await patient.FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main));
        Assert.Equal(hub.Main.HeadHash, main);
    }

    [Fact]
    public async Task A_session_ends_at_its_time_limit_however_often_the_client_asks()
    {
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions
            {
                InsecureLoopback = true,
                MaxSessionDuration = TimeSpan.FromSeconds(2),
                Log = line => { lock (log) { log.Add(line); } },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var url = new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore);
        await using var session = await ClientSession.OpenAsync(url, new RemoteOptions { InsecureLoopback = true, Timeout = TimeSpan.Zero }, "", "", CancellationToken.None);

        // A small request every 200 ms, well within the idle timeout: the session still ends.
        var ended = await Assert.ThrowsAsync<SyncException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await session.ListRefsAsync(Hash.MaxLength, CancellationToken.None);
                await Task.Delay(200);
            }
        });
        Assert.Equal(SyncErrorKind.Unreachable, ended.Kind);
        Assert.NotNull(await ServerLogWait.ForLineAsync(log, "its time limit", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_flood_of_connections_costs_at_most_the_busy_answers_allowed_then_closes()
    {
        using var hub = SyncFixture.CounterRepository();
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions
            {
                InsecureLoopback = true,
                MaxQueuedHandshakes = 0, // every connection is answered busy
                MaxBusyAnswers = 2,
                Log = line => { lock (log) { log.Add(line); } },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // Connections that never read nor close: each busy answer would hold its socket for a second.
        var flood = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(endPoint);
                flood.Add(c);
            }

            var closed = await ServerLogWait.ForLineAsync(log, "busy answers already being written", TimeSpan.FromSeconds(10));
            Assert.NotNull(closed);
            lock (log)
            {
                Assert.True(log.Count(l => l.StartsWith("busy ", StringComparison.Ordinal)) <= 12);
            }
        }
        finally
        {
            foreach (var c in flood)
            {
                c.Dispose();
            }
        }
    }
}
