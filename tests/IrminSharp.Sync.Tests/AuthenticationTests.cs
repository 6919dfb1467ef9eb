using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Who may talk to whom: the server's allow list of client certificates, the client's pin of the
/// server's certificate, clients with no certificate, and where plain TCP is allowed. Real sockets
/// on 127.0.0.1; an outside TLS stack (openssl s_client) for a second opinion.
/// </summary>
public sealed class AuthenticationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    private static CommitInfo Info(string message) => CommitInfo.Now("test", message);

    /// <summary>A server repository with two branches and a tag, so there is something to leak.</summary>
    private static Repository<long> ServerRepository()
    {
        var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("hits"), 10, Info("one"));
        server.Main.Set(StorePath.Parse("a/b"), 3, Info("two"));
        server.CreateBranch("dev", server.Main.HeadHash!.Value);
        server.CreateTag("v1", server.Main.HeadHash!.Value);
        return server;
    }

    [Fact]
    public async Task A_client_whose_certificate_is_not_on_the_allow_list_can_neither_fetch_nor_push()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var endPoint = fx.Serve(SyncStore.Of(server));
        var stranger = fx.Identity("stranger");
        var remote = fx.RemoteTo(endPoint, stranger);
        var serverBefore = StoreSnapshot.Of(server);

        using var client = SyncFixture.CounterRepository();
        var clientBefore = StoreSnapshot.Of(client);
        var fetch = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Unauthorized, fetch.Kind);
        Assert.Contains(stranger.Fingerprint, fetch.Message, StringComparison.Ordinal);
        Assert.Equal(clientBefore, StoreSnapshot.Of(client));
        Assert.Empty(client.Refs.List());

        client.Main.Set(StorePath.Parse("hits"), 99, Info("stranger's edit"));
        client.Main.Set(StorePath.Parse("evil"), 1, Info("stranger's second edit"));
        var push = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(client), "main", force: true));
        Assert.Equal(SyncErrorKind.Unauthorized, push.Kind);
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
        Assert.False(server.Objects.Contains(client.Main.HeadHash!.Value));

        var refusal = await ServerLogWait.ForLineAsync(fx.ServerLog, $"certificate {stranger.Fingerprint} is not on the allow list", LogWait);
        Assert.True(refusal is not null, "the server log should name the refused fingerprint; it has:\n" + ServerLogWait.All(fx.ServerLog));
        output.WriteLine("client saw: " + push.Message);
        output.WriteLine("server log: " + refusal);

        // The same server still serves a client on its list.
        using var allowed = SyncFixture.CounterRepository();
        await fx.RemoteTo(endPoint).PullAsync(allowed, "main", Info("clone"));
        Assert.Equal(10, allowed.Main.Get(StorePath.Parse("hits")));
    }

    [Fact]
    public async Task A_client_pinning_another_server_fingerprint_refuses_the_server_and_names_the_presented_one()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var endPoint = fx.Serve(SyncStore.Of(server));
        var expected = fx.Identity("the-server-we-meant");
        var remote = fx.RemoteTo(endPoint, serverFingerprint: expected.Fingerprint.ToUpperInvariant());

        using var client = SyncFixture.CounterRepository();
        var clientBefore = StoreSnapshot.Of(client);
        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));

        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        Assert.Contains($"presented certificate {fx.ServerIdentity.Fingerprint}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"not the pinned {expected.Fingerprint}", e.Message, StringComparison.Ordinal);
        Assert.Equal(clientBefore, StoreSnapshot.Of(client));

        client.Main.Set(StorePath.Parse("hits"), 1, Info("edit"));
        var serverBefore = StoreSnapshot.Of(server);
        var push = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(client), "main"));
        Assert.Equal(SyncErrorKind.Unauthorized, push.Kind);
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task A_client_without_a_certificate_gets_no_welcome_and_changes_nothing()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var endPoint = fx.Serve(SyncStore.Of(server));
        var serverBefore = StoreSnapshot.Of(server);

        var anonymous = await RawHelloClient.SayHelloAsync(endPoint, fx.ServerIdentity.Fingerprint, clientCertificate: null, TimeSpan.FromSeconds(10));
        output.WriteLine($"without a certificate: handshake completed {anonymous.HandshakeCompleted}, {anonymous.Ending}");

        Assert.Null(anonymous.FirstFrameType);
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
        var refusal = await ServerLogWait.ForLineAsync(fx.ServerLog, "without a client certificate", LogWait);
        Assert.True(refusal is not null, "the server log should say the client had no certificate; it has:\n" + ServerLogWait.All(fx.ServerLog));

        // The same raw client with a certificate on the allow list is welcomed: the refusal above
        // is about the certificate, not about the raw client.
        var known = await RawHelloClient.SayHelloAsync(endPoint, fx.ServerIdentity.Fingerprint, fx.ClientIdentity.Certificate, TimeSpan.FromSeconds(10));
        output.WriteLine($"with the allowed certificate: handshake completed {known.HandshakeCompleted}, {known.Ending}");
        Assert.True(known.HandshakeCompleted);
        Assert.Equal(RawHelloClient.WelcomeType, known.FirstFrameType);
    }

    [Fact]
    public async Task An_insecure_loopback_server_refuses_to_listen_beyond_loopback()
    {
        await using var fx = new SyncFixture();
        using var repository = ServerRepository();
        var stores = new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(repository) };
        var options = new SyncServerOptions { InsecureLoopback = true };

        foreach (var address in new[] { IPAddress.Any, IPAddress.IPv6Any })
        {
            await using var wide = new SyncServer(stores, options);
            var e = Assert.Throws<ArgumentException>(() => wide.Start(new IPEndPoint(address, 0)));
            Assert.Contains("--insecure-loopback", e.Message, StringComparison.Ordinal);
            Assert.Null(wide.EndPoint);
        }

        // On loopback it listens, and a plain-TCP client on loopback gets the store.
        await using var local = new SyncServer(stores, options);
        var endPoint = local.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true });
        using var client = SyncFixture.CounterRepository();
        await remote.PullAsync(client, "main", Info("clone"));
        Assert.Equal(repository.Main.HeadHash, client.Main.HeadHash);
    }

    [Fact]
    public async Task A_plain_tcp_client_against_a_tls_server_fails_cleanly_within_the_idle_timeout()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var shortWait = new SyncLimits { IdleTimeout = TimeSpan.FromSeconds(2) };
        var endPoint = fx.Serve(SyncStore.Of(server), shortWait);
        var serverBefore = StoreSnapshot.Of(server);
        var plain = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions
        {
            InsecureLoopback = true,
            Limits = shortWait,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Timeout = TimeSpan.Zero,
        });

        using var client = SyncFixture.CounterRepository();
        var clock = Stopwatch.StartNew();
        var fetch = await Assert.ThrowsAsync<SyncException>(() => plain.FetchAsync(SyncStore.Of(client))).WaitAsync(TimeSpan.FromSeconds(20));
        var fetchTook = clock.Elapsed;
        client.Main.Set(StorePath.Parse("hits"), 1, Info("edit"));
        clock.Restart();
        var push = await Assert.ThrowsAsync<SyncException>(() => plain.PushAsync(SyncStore.Of(client), "main")).WaitAsync(TimeSpan.FromSeconds(20));
        var pushTook = clock.Elapsed;
        output.WriteLine($"fetch: {fetch.Kind} after {fetchTook.TotalMilliseconds:0} ms: {fetch.Message}");
        output.WriteLine($"push: {push.Kind} after {pushTook.TotalMilliseconds:0} ms: {push.Message}");
        output.WriteLine(ServerLogWait.All(fx.ServerLog));

        // Whatever the plain client makes of the TLS server's answer, it is an error of the
        // connection, and it comes within a few idle timeouts, not never.
        Assert.Contains(fetch.Kind, new[] { SyncErrorKind.Unreachable, SyncErrorKind.Protocol, SyncErrorKind.Timeout });
        Assert.Contains(push.Kind, new[] { SyncErrorKind.Unreachable, SyncErrorKind.Protocol, SyncErrorKind.Timeout });
        Assert.True(fetchTook < TimeSpan.FromSeconds(10), $"fetch took {fetchTook}");
        Assert.True(pushTook < TimeSpan.FromSeconds(10), $"push took {pushTook}");
        Assert.Empty(client.Refs.List("remotes/"));
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));

        // The server survives the garbage and still serves a TLS client.
        using var allowed = SyncFixture.CounterRepository();
        await fx.RemoteTo(endPoint, limits: shortWait).PullAsync(allowed, "main", Info("clone"));
        Assert.Equal(server.Main.HeadHash, allowed.Main.HeadHash);
    }

    [Fact]
    public async Task A_tls_client_against_a_plain_tcp_server_fails_cleanly()
    {
        await using var fx = new SyncFixture();
        using var repository = ServerRepository();
        var shortWait = new SyncLimits { IdleTimeout = TimeSpan.FromSeconds(2) };
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(repository) },
            new SyncServerOptions { InsecureLoopback = true, Limits = shortWait });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = fx.RemoteTo(endPoint, limits: shortWait);

        using var client = SyncFixture.CounterRepository();
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client))).WaitAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"{e.Kind} after {clock.ElapsedMilliseconds} ms: {e.Message}");

        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(client.Refs.List());
    }

    [Fact]
    public async Task Openssl_negotiates_tls13_and_is_dropped_without_a_certificate_but_welcomed_with_one()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var endPoint = fx.Serve(SyncStore.Of(server), new SyncLimits { IdleTimeout = TimeSpan.FromSeconds(2) });
        var serverBefore = StoreSnapshot.Of(server);
        var hello = RawHelloClient.HelloFrame();

        var anonymous = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-brief");
        output.WriteLine($"--- without a certificate: exit {anonymous.ExitCode}\n{anonymous.Output}");
        Assert.False(anonymous.TimedOut, "openssl without a certificate should end on its own");
        Assert.Contains("Protocol version: TLSv1.3", anonymous.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, anonymous.ExitCode);

        Assert.True(DroppedByServer(anonymous), "openssl should report the connection dropped by the server");
        Assert.DoesNotContain(server.ContentType.Name, anonymous.Output, StringComparison.Ordinal); // no welcome
        var refusal = await ServerLogWait.ForLineAsync(fx.ServerLog, "without a client certificate", LogWait);
        Assert.True(refusal is not null, "the server log should say the client had no certificate; it has:\n" + ServerLogWait.All(fx.ServerLog));

        // The same command with the client's certificate on the allow list gets a welcome frame,
        // which names the store's schema and content type.
        var (certificate, key) = await WritePemAsync(fx, fx.ClientIdentity, "client");

        int refusalsBefore;
        lock (fx.ServerLog)
        {
            refusalsBefore = fx.ServerLog.Count(line => line.StartsWith("refused", StringComparison.Ordinal));
        }

        var known = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-brief", "-cert", certificate, "-key", key);
        output.WriteLine($"--- with the allowed certificate: exit {known.ExitCode}\n{known.Output}");
        Assert.False(known.TimedOut, "the server should close an idle connection after its idle timeout");
        Assert.Contains("Protocol version: TLSv1.3", known.Output, StringComparison.Ordinal);
        Assert.Contains(server.ContentType.Name, known.Output, StringComparison.Ordinal);
        Assert.Contains(server.Objects.Schema.Name, known.Output, StringComparison.Ordinal);
        lock (fx.ServerLog)
        {
            Assert.Equal(refusalsBefore, fx.ServerLog.Count(line => line.StartsWith("refused", StringComparison.Ordinal)));
        }

        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
    }

    [Fact]
    public async Task Openssl_resuming_a_saved_tls_session_never_lets_in_a_client_the_allow_list_refuses()
    {
        await using var fx = new SyncFixture();
        using var server = ServerRepository();
        var endPoint = fx.Serve(SyncStore.Of(server), new SyncLimits { IdleTimeout = TimeSpan.FromSeconds(2) });
        var hello = RawHelloClient.HelloFrame();
        var stranger = fx.Identity("stranger");
        var (strangerCertificate, strangerKey) = await WritePemAsync(fx, stranger, "stranger");
        var (clientCertificate, clientKey) = await WritePemAsync(fx, fx.ClientIdentity, "client");
        var strangerRefused = $"certificate {stranger.Fingerprint} is not on the allow list";

        // The server's TLS stack completes its side of the handshake, session tickets included,
        // before the allow list is consulted, so a refused client leaves with a ticket. Resuming
        // with it would skip the certificate exchange: it must not skip the allow list.
        var strangerSession = Path.Combine(fx.Directory, "stranger.session.pem");
        var first = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-cert", strangerCertificate, "-key", strangerKey, "-sess_out", strangerSession);
        Assert.DoesNotContain(server.ContentType.Name, first.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(strangerSession), "openssl should have saved the session:\n" + first.Output);
        Assert.Equal(1, await ServerLogWait.CountAsync(fx.ServerLog, strangerRefused, 1, LogWait));

        var resumed = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-sess_in", strangerSession);
        output.WriteLine($"--- the stranger's session offered again, without a certificate: exit {resumed.ExitCode}\n{resumed.Output}");
        var strangerReused = Reused(resumed);
        Assert.False(resumed.TimedOut);
        Assert.True(DroppedByServer(resumed), "openssl should report the connection dropped by the server");
        Assert.DoesNotContain(server.ContentType.Name, resumed.Output, StringComparison.Ordinal); // no welcome
        Assert.NotEqual(0, resumed.ExitCode);

        // Resumed, the session still carries the stranger's certificate and is refused by its
        // fingerprint; not resumed, the full handshake has no certificate at all.
        Assert.True(
            strangerReused
                ? await ServerLogWait.CountAsync(fx.ServerLog, strangerRefused, 2, LogWait) == 2
                : await ServerLogWait.CountAsync(fx.ServerLog, "without a client certificate", 1, LogWait) == 1,
            $"the server should refuse the {(strangerReused ? "resumed" : "new")} session; the log has:\n" + ServerLogWait.All(fx.ServerLog));

        // The control, with a client on the allow list: when the server resumes sessions, the
        // resumed session is welcomed (so the stranger was refused for its certificate, not for
        // resuming); when it does not, the certificate-less full handshake is refused as well.
        var clientSession = Path.Combine(fx.Directory, "client.session.pem");
        var welcomed = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-cert", clientCertificate, "-key", clientKey, "-sess_out", clientSession);
        Assert.Contains(server.ContentType.Name, welcomed.Output, StringComparison.Ordinal);
        var again = await OpenSslClient.ConnectAsync(endPoint, hello, TimeSpan.FromSeconds(30), "-sess_in", clientSession);
        output.WriteLine($"--- the allowed client's session offered again, without a certificate: exit {again.ExitCode}\n{again.Output}");
        Assert.Equal(strangerReused, Reused(again));
        if (strangerReused)
        {
            Assert.Contains(server.ContentType.Name, again.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain(server.ContentType.Name, again.Output, StringComparison.Ordinal);
            Assert.Equal(2, await ServerLogWait.CountAsync(fx.ServerLog, "without a client certificate", 2, LogWait));
        }

        output.WriteLine(strangerReused ? "the server resumes TLS sessions" : "the server does not resume TLS sessions");
    }

    /// <summary>Whether openssl's session was resumed ("Reused, TLSv1.3") rather than new ("New, TLSv1.3").</summary>
    private static bool Reused(OpenSslClient.Run run)
    {
        var reused = run.Output.Contains("Reused, TLSv1.3", StringComparison.Ordinal);
        Assert.True(reused || run.Output.Contains("New, TLSv1.3", StringComparison.Ordinal), "openssl should say whether the TLS 1.3 session is new or reused:\n" + run.Output);
        return reused;
    }

    /// <summary>
    /// Whether openssl reports that the server ended the connection. The .NET server on Linux
    /// sends no TLS alert when it refuses a certificate: it closes the connection, which OpenSSL 3
    /// prints as "unexpected eof while reading" (a reset, when the hello was still unread, as
    /// "errno=104"). A server that sent an alert would show "ssl alert number".
    /// </summary>
    private static bool DroppedByServer(OpenSslClient.Run run) =>
        run.Output.Contains("unexpected eof while reading", StringComparison.Ordinal)
            || run.Output.Contains("errno=104", StringComparison.Ordinal)
            || run.Output.Contains("ssl alert number", StringComparison.Ordinal);

    /// <summary>The identity's certificate and private key as PEM files, for openssl's -cert and -key.</summary>
    private static async Task<(string Certificate, string Key)> WritePemAsync(SyncFixture fx, SyncIdentity identity, string name)
    {
        var certificate = Path.Combine(fx.Directory, name + ".crt.pem");
        var key = Path.Combine(fx.Directory, name + ".key.pem");
        await File.WriteAllTextAsync(certificate, identity.Certificate.ExportCertificatePem());
        using (var privateKey = identity.Certificate.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(key, privateKey.ExportPkcs8PrivateKeyPem());
        }

        return (certificate, key);
    }
}
