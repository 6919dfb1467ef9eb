using System.Net;
using System.Net.Sockets;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>A server holds at most its connection limit; the rest are closed at once, and it serves again when they go.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_and_service_resumes_when_one_ends()
    {
        using var store = SyncFixture.CounterRepository();
        store.Main.Set(StorePath.Parse("n"), 1);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(store) },
            new SyncServerOptions { InsecureLoopback = true, MaxConnections = 2, Log = line => { lock (log) { log.Add(line); } } });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // Two silent clients hold both slots.
        using var first = new TcpClient();
        using var second = new TcpClient();
        await first.ConnectAsync(endPoint);
        await second.ConnectAsync(endPoint);
        await Task.Delay(200);

        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true });
        using var client = SyncFixture.CounterRepository();
        var refused = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Unreachable, refused.Kind);
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("already serving 2 connections", StringComparison.Ordinal));
        }

        first.Dispose();
        await Task.Delay(300);
        await remote.FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main));
        Assert.Equal(store.Main.HeadHash, main);
    }

    [Fact]
    public async Task Handshakes_left_unfinished_take_only_a_few_slots_per_address()
    {
        await using var fx = new SyncFixture();
        using var store = SyncFixture.CounterRepository();
        store.Main.Set(StorePath.Parse("n"), 1);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(store) },
            new SyncServerOptions
            {
                Identity = fx.ServerIdentity,
                AllowedClients = [fx.ClientIdentity.Fingerprint],
                MaxHandshakesPerAddress = 3,
                Log = line => { lock (log) { log.Add(line); } },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // Three connections that never start TLS hold this address's handshake slots.
        var stalled = new List<TcpClient>();
        for (var i = 0; i < 3; i++)
        {
            var c = new TcpClient();
            await c.ConnectAsync(endPoint);
            stalled.Add(c);
        }

        await Task.Delay(200);
        using var client = SyncFixture.CounterRepository();
        var refused = await Assert.ThrowsAsync<SyncException>(() => fx.RemoteTo(endPoint).FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Unreachable, refused.Kind);
        lock (log)
        {
            Assert.Contains(log, l => l.Contains("3 handshakes from 127.0.0.1 already under way", StringComparison.Ordinal));
        }

        foreach (var c in stalled)
        {
            c.Dispose();
        }

        await Task.Delay(300);
        await fx.RemoteTo(endPoint).FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == store.Main.HeadHash);
    }
}
