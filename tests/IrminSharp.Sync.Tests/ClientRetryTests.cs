using System.Net;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// The client's side of admission (docs/protocol/sync.md, "Admission and busy"): a busy answer
/// read before TLS, retries with backoff within a deadline, and no retry of what will not pass.
/// </summary>
public sealed class ClientRetryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_busy_answer_is_read_as_busy_with_its_retry_delay(bool insecureLoopback)
    {
        await using var fx = new SyncFixture();
        await using var busy = new BusyListener(TimeSpan.FromMilliseconds(1234));
        using var client = SyncFixture.CounterRepository();
        var remote = Once(fx, busy.EndPoint, insecureLoopback, TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Busy, e.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), e.RetryAfter);
        Assert.Contains("busy", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, busy.Connections);
    }

    [Fact]
    public async Task Retries_stop_at_the_deadline_with_the_attempts_and_the_last_error()
    {
        await using var fx = new SyncFixture();
        await using var busy = new BusyListener(TimeSpan.FromMilliseconds(10));
        using var client = SyncFixture.CounterRepository();
        var retries = new List<SyncRetry>();
        var remote = Once(fx, busy.EndPoint, insecureLoopback: false, TimeSpan.FromMilliseconds(600));
        remote = new Remote(remote.Name, remote.Url, remote.Options with { Retrying = r => { lock (retries) { retries.Add(r); } } });

        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Busy, e.Kind);
        Assert.True(busy.Connections > 1, $"{busy.Connections} connection(s)");
        Assert.Contains($"gave up after {busy.Connections} attempts", e.Message, StringComparison.Ordinal);
        Assert.Contains("busy: retry after 0.01 s", e.Message, StringComparison.Ordinal);
        lock (retries)
        {
            Assert.Equal(busy.Connections - 1, retries.Count);
            Assert.All(retries, r => Assert.True(r.Delay >= TimeSpan.FromMilliseconds(10)));
            Assert.Equal(Enumerable.Range(2, retries.Count), retries.Select(r => r.Attempt));
        }
    }

    [Fact]
    public async Task A_client_not_allowed_is_not_retried()
    {
        await using var fx = new SyncFixture();
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        var endPoint = fx.Serve(SyncStore.Of(hub));
        using var client = SyncFixture.CounterRepository();
        var stranger = fx.RemoteTo(endPoint, fx.Identity("stranger"));
        var remote = new Remote(stranger.Name, stranger.Url, stranger.Options with
        {
            Timeout = TimeSpan.FromSeconds(30),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });

        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        lock (fx.ServerLog)
        {
            Assert.Single(fx.ServerLog, l => l.Contains("is not on the allow list", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_refused_connection_is_retried_until_a_server_listens()
    {
        // A port with nothing on it (taken and released), where a server starts a moment later.
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var endPoint = (IPEndPoint)probe.LocalEndpoint;
        probe.Stop();

        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        var retried = new TaskCompletionSource();
        using var client = SyncFixture.CounterRepository();
        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions
        {
            InsecureLoopback = true,
            Timeout = TimeSpan.FromSeconds(30),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            Retrying = r => retried.TrySetResult(),
        });
        var fetch = remote.FetchAsync(SyncStore.Of(client));
        await retried.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions { InsecureLoopback = true });
        server.Start(endPoint);
        await fetch;
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == hub.Main.HeadHash);
    }

    [Fact]
    public async Task A_push_whose_answer_was_lost_is_found_applied_on_retry()
    {
        using var hub = SyncFixture.CounterRepository();
        hub.Main.Set(StorePath.Parse("n"), 1);
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(hub) },
            new SyncServerOptions { InsecureLoopback = true });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using var local = SyncFixture.CounterRepository();
        var options = new RemoteOptions { InsecureLoopback = true, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
        await new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), options).CloneAsync(SyncStore.Of(local));
        var before = hub.Main.HeadHash;
        local.Main.Set(StorePath.Parse("n"), 2);

        // The server applies the ref update; its answer never reaches the client.
        await using var proxy = new ShapingProxy(endPoint, cutBeforeFrame: (byte)MessageType.RefUpdated);
        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", proxy.EndPoint.Port, RemoteUrl.DefaultStore), options);
        var pushed = await remote.PushAsync(SyncStore.Of(local), "main");

        Assert.True(proxy.WasCut);
        Assert.Equal(local.Main.HeadHash, hub.Main.HeadHash);
        Assert.Equal(local.Main.HeadHash, pushed.New);
        Assert.Equal(before, pushed.Old);
        Assert.False(pushed.UpToDate);
    }

    private static Remote Once(SyncFixture fx, IPEndPoint endPoint, bool insecureLoopback, TimeSpan timeout)
    {
        var url = new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore);
        var options = insecureLoopback
            ? new RemoteOptions { InsecureLoopback = true }
            : new RemoteOptions { Identity = fx.ClientIdentity, ServerFingerprint = fx.ServerIdentity.Fingerprint };
        return new Remote("origin", url, options with { Timeout = timeout, RetryBaseDelay = TimeSpan.FromMilliseconds(10), RetryMaxDelay = TimeSpan.FromMilliseconds(50) });
    }
}
