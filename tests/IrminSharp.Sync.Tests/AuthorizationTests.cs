using System.Buffers;
using System.Net;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using MessagePack;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// What an allowed client may do (issue 10, item 6): read-only clients, force only where granted,
/// stores a client has no grant on kept from it (their names too), and fetches limited to the
/// commits advertised to the client. Remotes over TLS with their own identities, and hand-built
/// messages over plain TCP on loopback with <see cref="SyncServerOptions.InsecureLoopbackAccess"/> narrowed.
/// </summary>
public sealed class AuthorizationTests : IAsyncDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly SyncFixture fx = new();
    private readonly List<SyncServer> servers = [];
    private readonly List<string> log = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        await fx.DisposeAsync();
    }

    [Fact]
    public async Task A_read_only_client_fetches_but_its_push_is_refused_and_stores_nothing()
    {
        using var server = ServerRepository();
        var reader = fx.Identity("reader");
        var endPoint = ServeTls(new() { [RemoteUrl.DefaultStore] = SyncStore.Of(server) }, new StoreGrant(reader.Fingerprint, SyncAuthorization.EveryStore, StoreAccess.Read));
        var remote = RemoteTo(endPoint, RemoteUrl.DefaultStore, reader);

        using var client = SyncFixture.CounterRepository();
        await remote.PullAsync(client, "main", Info("clone"));
        Assert.Equal(server.Main.HeadHash, client.Main.HeadHash);

        client.Main.Set(StorePath.Parse("hits"), 99, Info("reader's edit"));
        var serverBefore = StoreSnapshot.Of(server);
        var e = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(client), "main"));
        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        Assert.Contains("may read store 'default' but not push to it", e.Message, StringComparison.Ordinal);
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
        Assert.False(server.Objects.Contains(client.Main.HeadHash!.Value));

        var forced = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(client), "main", force: true));
        Assert.Equal(SyncErrorKind.Unauthorized, forced.Kind);
        Assert.Equal(serverBefore, StoreSnapshot.Of(server));
    }

    [Fact]
    public async Task A_writer_without_the_force_grant_cannot_rewind_a_branch_even_with_force_and_one_with_it_can()
    {
        using var server = ServerRepository();
        var forcer = fx.Identity("forcer");
        var endPoint = ServeTls(
            new() { [RemoteUrl.DefaultStore] = SyncStore.Of(server) },
            new StoreGrant(forcer.Fingerprint, RemoteUrl.DefaultStore, StoreAccess.Force));
        var writer = RemoteTo(endPoint, RemoteUrl.DefaultStore, fx.ClientIdentity); // on AllowedClients: write, no force

        // A fast-forward is a write: allowed.
        using var client = SyncFixture.CounterRepository();
        await writer.PullAsync(client, "main", Info("clone"));
        client.Main.Set(StorePath.Parse("hits"), 11, Info("forward"));
        await writer.PushAsync(SyncStore.Of(client), "main");
        Assert.Equal(client.Main.HeadHash, server.Main.HeadHash);

        // A rewrite: the local main goes back two commits and on another way.
        var head = client.Main.HeadHash!.Value;
        var grandparent = client.GetCommit(client.GetCommit(head).Parents[0]).Parents[0];
        Assert.True(client.CompareAndSwapBranch("main", head, grandparent));
        client.Main.Set(StorePath.Parse("rewritten"), 1, Info("history rewritten"));
        var serverBefore = StoreSnapshot.Of(server);
        var e = await Assert.ThrowsAsync<SyncException>(() => writer.PushAsync(SyncStore.Of(client), "main", force: true));
        Assert.Equal(SyncErrorKind.Unauthorized, e.Kind);
        Assert.Contains("no force grant", e.Message, StringComparison.Ordinal);
        Assert.Equal(serverBefore.Refs, StoreSnapshot.Of(server).Refs);
        Assert.Equal(head, server.Main.HeadHash);

        // The client granted force on the store rewrites it.
        await RemoteTo(endPoint, RemoteUrl.DefaultStore, forcer).PushAsync(SyncStore.Of(client), "main", force: true);
        Assert.Equal(client.Main.HeadHash, server.Main.HeadHash);
    }

    /// <summary>Hand-built ref updates with the force flag: refused without the force grant, applied with it.</summary>
    [Theory]
    [InlineData("heads/main", StoreAccess.Write)]
    [InlineData("tags/v1", StoreAccess.Write)]
    [InlineData("heads/main", StoreAccess.Force)]
    [InlineData("tags/v1", StoreAccess.Force)]
    public async Task A_forced_ref_update_needs_the_force_grant(string name, StoreAccess access)
    {
        using var server = ServerRepository();
        var endPoint = ServePlain(SyncStore.Of(server), access);
        var refsBefore = server.Refs.List().ToList();
        Assert.True(server.Refs.TryRead(name, out var before));
        var back = server.GetCommit(before).Parents[0]; // not a fast-forward, and a tag moved

        await using var link = await PeerLink.ConnectAsync(endPoint);
        await HelloAsync(link, RemoteUrl.DefaultStore);
        await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
        await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody(name, before, back, force: true));
        if (access < StoreAccess.Force)
        {
            var (kind, message) = await ExpectErrorAsync(link);
            Assert.Equal("unauthorized", kind);
            Assert.Contains($"refusing to force {name}", message, StringComparison.Ordinal);
            Assert.Contains("no force grant", message, StringComparison.Ordinal);
            Assert.Equal(refsBefore, server.Refs.List());
        }
        else
        {
            await link.ExpectAsync(HandBuiltMessage.RefUpdated);
            Assert.True(server.Refs.TryRead(name, out var after));
            Assert.Equal(back, after);
        }
    }

    [Fact]
    public async Task A_client_granted_one_store_can_neither_open_another_nor_learn_that_it_exists()
    {
        using var open = ServerRepository();
        using var secret = ServerRepository();
        secret.Main.Set(StorePath.Parse("plans"), 1, Info("secret"));
        var guest = fx.Identity("guest");
        var endPoint = ServeTls(
            new() { ["public"] = SyncStore.Of(open), ["secret-plans"] = SyncStore.Of(secret) },
            new StoreGrant(guest.Fingerprint, "public", StoreAccess.Write));
        var secretBefore = StoreSnapshot.Of(secret);

        using var client = SyncFixture.CounterRepository();
        var existing = await Assert.ThrowsAsync<SyncException>(() => RemoteTo(endPoint, "secret-plans", guest).FetchAsync(SyncStore.Of(client)));
        var missing = await Assert.ThrowsAsync<SyncException>(() => RemoteTo(endPoint, "no-such", guest).FetchAsync(SyncStore.Of(client)));
        Assert.Equal(SyncErrorKind.Refused, existing.Kind);
        Assert.Equal(SyncErrorKind.Refused, missing.Kind);
        Assert.Contains("no store named 'secret-plans' here", existing.Message, StringComparison.Ordinal);
        Assert.Equal(existing.Message.Replace("secret-plans", "X", StringComparison.Ordinal), missing.Message.Replace("no-such", "X", StringComparison.Ordinal));
        Assert.DoesNotContain("public", existing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", missing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("public", missing.Message, StringComparison.Ordinal);
        Assert.Empty(client.Refs.List());
        var logged = await ServerLogWait.ForLineAsync(log, $"certificate {guest.Fingerprint} has no grant on store 'secret-plans'", TimeSpan.FromSeconds(10));
        Assert.True(logged is not null, "the server's log should tell its operator why: " + ServerLogWait.All(log));

        client.Main.Set(StorePath.Parse("plans"), 666, Info("guest's plans"));
        var push = await Assert.ThrowsAsync<SyncException>(() => RemoteTo(endPoint, "secret-plans", guest).PushAsync(SyncStore.Of(client), "main", force: true));
        Assert.Equal(SyncErrorKind.Refused, push.Kind);
        Assert.Equal(secretBefore, StoreSnapshot.Of(secret));

        // The store it is granted opens.
        using var clone = SyncFixture.CounterRepository();
        await RemoteTo(endPoint, "public", guest).PullAsync(clone, "main", Info("clone"));
        Assert.Equal(open.Main.HeadHash, clone.Main.HeadHash);
    }

    /// <summary>A stored commit that no branch or tag points at is not fetched (git's "not our ref").</summary>
    [Theory]
    [InlineData("orphan")]
    [InlineData("notes/hidden")]
    [InlineData("remotes/origin/hidden")]
    public async Task A_want_of_a_stored_commit_not_advertised_is_refused(string how)
    {
        using var server = ServerRepository();
        var head = server.Main.HeadHash!.Value;
        server.Main.Set(StorePath.Parse("password"), 1234, Info("hidden"));
        var hidden = server.Main.HeadHash!.Value;
        Assert.True(server.CompareAndSwapBranch("main", hidden, head));
        if (how != "orphan")
        {
            Assert.True(server.Refs.CompareAndSwap(how, null, hidden, out _));
        }

        var refsBefore = server.Refs.List().ToList();
        var endPoint = ServePlain(SyncStore.Of(server), StoreAccess.Force);
        await using var link = await PeerLink.ConnectAsync(endPoint);
        await HelloAsync(link, RemoteUrl.DefaultStore);
        await link.SendAsync(HandBuiltMessage.ListRefs, HandBuiltMessage.EmptyBody());
        await link.ExpectAsync(HandBuiltMessage.Refs);
        await link.SendAsync(HandBuiltMessage.Fetch, FetchBody([hidden], []));
        var (kind, message) = await ExpectErrorAsync(link);
        Assert.Equal("refused", kind);
        Assert.Contains($"commit {hidden} is not the tip of a branch or tag", message, StringComparison.Ordinal);
        Assert.Equal(refsBefore, server.Refs.List());
    }

    /// <summary>What a legitimate client does: list refs, then fetch their tips, which may have moved meanwhile.</summary>
    [Fact]
    public async Task A_tip_listed_earlier_in_the_session_is_fetched_after_its_branch_moved_and_so_is_a_current_tip()
    {
        using var server = ServerRepository();
        var endPoint = ServePlain(SyncStore.Of(server), StoreAccess.Read);
        await using (var link = await PeerLink.ConnectAsync(endPoint))
        {
            await HelloAsync(link, RemoteUrl.DefaultStore);
            await link.SendAsync(HandBuiltMessage.ListRefs, HandBuiltMessage.EmptyBody());
            await link.ExpectAsync(HandBuiltMessage.Refs);
            var listed = server.Main.HeadHash!.Value;
            server.Main.Set(StorePath.Parse("hits"), 12, Info("moved after the listing"));
            await link.SendAsync(HandBuiltMessage.Fetch, FetchBody([listed], []));
            await link.ExpectAsync(HandBuiltMessage.Offer);
        }

        await using (var link = await PeerLink.ConnectAsync(endPoint))
        {
            await HelloAsync(link, RemoteUrl.DefaultStore);
            await link.SendAsync(HandBuiltMessage.Fetch, FetchBody([server.Main.HeadHash!.Value], []));
            await link.ExpectAsync(HandBuiltMessage.Offer);
        }
    }

    private static CommitInfo Info(string message) => CommitInfo.Now("test", message);

    /// <summary>main with three commits, tags v0 and v1 on the last two.</summary>
    private static Repository<long> ServerRepository()
    {
        var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("hits"), 1, Info("one"));
        server.Main.Set(StorePath.Parse("hits"), 2, Info("two"));
        server.CreateTag("v0", server.Main.HeadHash!.Value);
        server.Main.Set(StorePath.Parse("hits"), 3, Info("three"));
        server.CreateTag("v1", server.Main.HeadHash!.Value);
        return server;
    }

    /// <summary>Serves over TLS: <see cref="SyncFixture.ClientIdentity"/> may push everywhere (without force), plus <paramref name="grants"/>.</summary>
    private IPEndPoint ServeTls(Dictionary<string, SyncStore> stores, params StoreGrant[] grants) => Start(stores, new SyncServerOptions
    {
        Identity = fx.ServerIdentity,
        AllowedClients = [fx.ClientIdentity.Fingerprint],
        Authorization = new SyncAuthorization(grants),
    });

    private IPEndPoint ServePlain(SyncStore store, StoreAccess access) => Start(
        new() { [RemoteUrl.DefaultStore] = store },
        new SyncServerOptions { InsecureLoopback = true, InsecureLoopbackAccess = access });

    private IPEndPoint Start(Dictionary<string, SyncStore> stores, SyncServerOptions options)
    {
        var server = new SyncServer(stores, options with
        {
            Log = line =>
            {
                lock (log)
                {
                    log.Add(line);
                }
            },
        });
        servers.Add(server);
        return server.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    private Remote RemoteTo(IPEndPoint endPoint, string store, SyncIdentity identity) =>
        new("origin", new RemoteUrl("127.0.0.1", endPoint.Port, store), new RemoteOptions
        {
            Identity = identity,
            ServerFingerprint = fx.ServerIdentity.Fingerprint,
        });

    private static async Task HelloAsync(PeerLink link, string store)
    {
        await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType, store));
        await link.ExpectAsync(HandBuiltMessage.Welcome);
    }

    /// <summary>The server's error (kind, message); then the server hangs up.</summary>
    private static async Task<(string Kind, string Message)> ExpectErrorAsync(PeerLink link)
    {
        var frame = await link.ReceiveAsync();
        Assert.True(frame is not null, "the server hung up without an error message");
        Assert.True(frame.Type == HandBuiltMessage.Error, $"expected an error, got a message of type {frame.Type}");
        var error = HandBuiltMessage.ReadError(frame.Body);
        Assert.True(await link.ClosedByPeerAsync(), "the server should hang up after an error");
        return error;
    }

    /// <summary>[wants: [bin...], haves: [bin...]].</summary>
    private static byte[] FetchBody(IReadOnlyList<Hash> wants, IReadOnlyList<Hash> haves)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        foreach (var list in new[] { wants, haves })
        {
            w.WriteArrayHeader(list.Count);
            foreach (var hash in list)
            {
                w.Write(hash.ToArray());
            }
        }

        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
