using System.Net;
using System.Net.Sockets;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Validating a peer's certificate never touches the network: a certificate whose Authority
/// Information Access names a URL (here a listener on 127.0.0.1) must not make the server fetch
/// it before the allow-list check, nor make a client fetch it from an impostor server.
/// </summary>
public sealed class CertificateDownloadTests
{
    [Fact]
    public async Task A_client_certificate_naming_a_CA_download_address_makes_the_server_fetch_nothing()
    {
        using var trap = new TcpListener(IPAddress.Loopback, 0);
        trap.Start();
        var trapped = trap.AcceptTcpClientAsync();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)trap.LocalEndpoint).Port}/ca.cer");

        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("hits"), 1, CommitInfo.Now("test", "one"));
        var endPoint = fx.Serve(SyncStore.Of(server));
        var stranger = CertificateWithAia.Create(Path.Combine(fx.Directory, "aia.p12"), address);
        using (stranger)
        {
            using var client = SyncFixture.CounterRepository();
            var e = await Assert.ThrowsAsync<SyncException>(() => fx.RemoteTo(endPoint, stranger).FetchAsync(SyncStore.Of(client)));
            Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        }

        // The refusal came after the handshake; had the server gone to the address, it would have
        // connected by now (chain building fetches during validation, before the refusal).
        var connected = await Task.WhenAny(trapped, Task.Delay(TimeSpan.FromSeconds(1))) == trapped;
        Assert.False(connected, "the server connected to the AIA address of an unauthenticated client's certificate");
    }

    [Fact]
    public async Task An_impostor_server_certificate_naming_a_CA_download_address_makes_the_client_fetch_nothing()
    {
        using var trap = new TcpListener(IPAddress.Loopback, 0);
        trap.Start();
        var trapped = trap.AcceptTcpClientAsync();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)trap.LocalEndpoint).Port}/ca.cer");

        await using var fx = new SyncFixture();
        using var impostorIdentity = CertificateWithAia.Create(Path.Combine(fx.Directory, "impostor.p12"), address);
        using var served = SyncFixture.CounterRepository();
        await using var impostor = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(served) },
            new SyncServerOptions { Identity = impostorIdentity, AllowedClients = [fx.ClientIdentity.Fingerprint], Limits = SyncLimits.Default });
        var endPoint = impostor.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // The client pins the real server's fingerprint and meets the impostor's certificate.
        using var client = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => fx.RemoteTo(endPoint).FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        var connected = await Task.WhenAny(trapped, Task.Delay(TimeSpan.FromSeconds(1))) == trapped;
        Assert.False(connected, "the client connected to the AIA address in an impostor server's certificate");
    }
}
