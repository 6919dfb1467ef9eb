using System.Net;
using System.Net.Sockets;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Admission before authentication (docs/protocol/sync.md, "Admission and busy"): connections
/// that never speak hold no slot, handshakes have a pool of their own shared fairly between
/// addresses, and a fleet behind one address is served by queueing and busy answers with retry.
/// </summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task Silent_connections_from_many_addresses_do_not_keep_a_client_out()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        var endPoint = fx.Serve(SyncStore.Of(hub));

        // 20 addresses × 16 connections that never send a byte: more than every session slot.
        var silent = new List<Socket>();
        try
        {
            for (var a = 1; a <= 20; a++)
            {
                for (var i = 0; i < 16; i++)
                {
                    silent.Add(await ConnectFromAsync(IPAddress.Parse($"127.0.2.{a}"), endPoint));
                }
            }

            await Task.Delay(300);
            using var client = SyncFixture.CounterRepository();
            var remote = fx.RemoteTo(endPoint);
            var once = new Remote(remote.Name, remote.Url, remote.Options with { Timeout = TimeSpan.Zero });
            await once.FetchAsync(SyncStore.Of(client));
            Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == hub.Main.HeadHash);
        }
        finally
        {
            foreach (var s in silent)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public async Task Many_clones_from_one_address_all_complete_through_busy_answers_and_retries()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        SampleHistory.Grow(hub, 0, 3, 100);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions
            {
                Identity = fx.ServerIdentity,
                AllowedClients = [fx.ClientIdentity.Fingerprint],
                MaxConcurrentHandshakes = 4,
                MaxQueuedHandshakes = 8,
                BusyRetryAfter = TimeSpan.FromMilliseconds(20),
                MaxBusyRetryAfter = TimeSpan.FromMilliseconds(200),
                Log = line => { lock (log) { log.Add(line); } },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        var devices = Enumerable.Range(0, 64).Select(_ => SyncFixture.CounterRepository()).ToList();
        try
        {
            var remote = fx.RemoteTo(endPoint);
            var patient = new Remote(remote.Name, remote.Url, remote.Options with
            {
                Timeout = TimeSpan.FromSeconds(120),
                RetryBaseDelay = TimeSpan.FromMilliseconds(20),
                RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            });
            await Task.WhenAll(devices.Select(d => Task.Run(() => patient.CloneAsync(SyncStore.Of(d)))));
            Assert.All(devices, d => Assert.Equal(hub.Main.HeadHash, d.Main.HeadHash));
            lock (log)
            {
                Assert.Contains(log, l => l.StartsWith("busy ", StringComparison.Ordinal)); // the queue did fill
            }
        }
        finally
        {
            foreach (var d in devices)
            {
                d.Dispose();
            }
        }
    }

    [Fact]
    public async Task An_address_holding_its_share_of_handshakes_lets_another_address_go_first()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions
            {
                Identity = fx.ServerIdentity,
                AllowedClients = [fx.ClientIdentity.Fingerprint],
                MaxConcurrentHandshakes = 2,
                MaxHandshakesPerAddress = 1,
                HandshakeQueueTimeout = TimeSpan.FromSeconds(1.5),
                Limits = SyncLimits.Default with { HandshakeTimeout = TimeSpan.FromSeconds(1) },
            });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // One address starts handshakes it never finishes (a TLS record's first byte, then
        // nothing): two take the idle pool, four more queue, each stalling for the handshake timeout.
        var stalled = new List<Socket>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var s = await ConnectFromAsync(IPAddress.Parse("127.0.2.1"), endPoint);
                await s.SendAsync(new byte[] { 0x16 }, SocketFlags.None);
                stalled.Add(s);
            }

            await Task.Delay(200);

            // Queued behind them, first come first served would start this client's handshake
            // only after two rounds of stalls, past its queue deadline; with the share, at the first slot freed.
            using var client = SyncFixture.CounterRepository();
            var remote = fx.RemoteTo(endPoint);
            var once = new Remote(remote.Name, remote.Url, remote.Options with { Timeout = TimeSpan.Zero });
            await once.FetchAsync(SyncStore.Of(client));
            Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == hub.Main.HeadHash);
        }
        finally
        {
            foreach (var s in stalled)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>A TCP connection to <paramref name="server"/> from <paramref name="local"/> (any of 127/8 on Linux).</summary>
    internal static async Task<Socket> ConnectFromAsync(IPAddress local, IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(server);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
