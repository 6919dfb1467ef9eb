using System.Net;
using System.Net.Sockets;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A server holds at most its connection limit of sessions; connections beyond are answered busy,
/// and it serves again when one ends. Connections that never finish a handshake hold no session.
/// </summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Sessions_beyond_the_limit_are_answered_busy_and_service_resumes_when_one_ends()
    {
        using var store = SyncFixture.CounterRepository();
        store.Main.Set(StorePath.Parse("n"), 1);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(store) },
            new SyncServerOptions { InsecureLoopback = true, MaxConnections = 2, Log = line => { lock (log) { log.Add(line); } } });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // Two clients past hello, idle, hold both slots.
        var url = new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore);
        var options = new RemoteOptions { InsecureLoopback = true, Timeout = TimeSpan.Zero };
        var first = await ClientSession.OpenAsync(url, options, "", "", CancellationToken.None);
        await using var second = await ClientSession.OpenAsync(url, options, "", "", CancellationToken.None);

        var remote = new Remote("origin", url, options);
        using var client = SyncFixture.CounterRepository();
        var refused = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Busy, refused.Kind);
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("already serving 2 connections", StringComparison.Ordinal));
        }

        await first.DisposeAsync();
        await Task.Delay(300);
        await remote.FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main));
        Assert.Equal(store.Main.HeadHash, main);
    }

    [Fact]
    public async Task Connections_that_never_speak_hold_no_session_slot()
    {
        await using var fx = new SyncFixture();
        using var store = SyncFixture.CounterRepository();
        store.Main.Set(StorePath.Parse("n"), 1);
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(store) },
            new SyncServerOptions { Identity = fx.ServerIdentity, AllowedClients = [fx.ClientIdentity.Fingerprint], MaxConnections = 3 });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        var silent = new List<TcpClient>();
        for (var i = 0; i < 10; i++)
        {
            var c = new TcpClient();
            await c.ConnectAsync(endPoint);
            silent.Add(c);
        }

        await Task.Delay(200);
        using var client = SyncFixture.CounterRepository();
        var remote = fx.RemoteTo(endPoint);
        await new Remote(remote.Name, remote.Url, remote.Options with { Timeout = TimeSpan.Zero }).FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == store.Main.HeadHash);
        foreach (var c in silent)
        {
            c.Dispose();
        }
    }
}
