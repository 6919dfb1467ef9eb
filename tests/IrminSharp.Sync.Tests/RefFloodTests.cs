using System.Net;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Ref floods: 2,000 empty pushes on one connection grew a server's log from 8 KB to 104 MB, each
/// rewriting the whole ref table, and 4,590 filled a 512 MiB store. Now a ref update appends a
/// record the size of the change, a store holds at most <see cref="SyncLimits.MaxRefs"/> refs, a
/// connection makes at most <see cref="SyncLimits.MaxRefUpdatesPerConnection"/> updates, a client
/// refuses a server listing too many refs, and a fetch applies all its refs in one update.
/// </summary>
public sealed class RefFloodTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-ref-flood-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_ref_flood_on_one_connection_appends_little_per_update()
    {
        using var pack = CreatePack("flood.pack", tags: 5000);
        var head = Head(pack);
        var before = pack.Stats().LogBytes;
        const int pushes = 200;
        await ServeAsync(pack, SyncLimits.Default, async endPoint =>
        {
            await using var link = await PeerLink.ConnectAsync(endPoint);
            await HelloAsync(link);
            for (var i = 0; i < pushes; i++)
            {
                await ExpectUpdatedAsync(await PushTagAsync(link, $"tags/flood-{i}", head), $"push {i}");
            }
        });

        var perUpdate = (pack.Stats().LogBytes - before) / pushes;
        Assert.True(perUpdate < 1024, $"{perUpdate} bytes appended to the log per pushed ref with 5,000 refs");
        Assert.Equal(5000 + 2 + pushes, pack.Refs.List("tags/").Count);
    }

    [Fact]
    public async Task A_push_creating_a_ref_beyond_MaxRefs_is_refused_and_nothing_is_lost()
    {
        var path = Path.Combine(directory, "max-refs.pack");
        List<KeyValuePair<string, Hash>> kept;
        using (var pack = CreatePack("max-refs.pack", tags: 0))
        {
            var head = Head(pack);
            Assert.Equal(3, pack.Refs.List().Count); // heads/main, tags/v0, tags/v1
            await ServeAsync(pack, new SyncLimits { MaxRefs = 10 }, async endPoint =>
            {
                await using var link = await PeerLink.ConnectAsync(endPoint);
                await HelloAsync(link);
                for (var i = 0; i < 7; i++)
                {
                    await ExpectUpdatedAsync(await PushTagAsync(link, $"tags/t{i}", head), $"push {i}");
                }

                await ExpectErrorAsync(await PushTagAsync(link, "tags/t7", head), "refusing to create tags/t7: the store holds 10 refs, the most it may hold (10)");

                // Moving a ref that exists is still allowed.
                await using var again = await PeerLink.ConnectAsync(endPoint);
                await HelloAsync(again);
                await again.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
                await again.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
                await again.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("tags/t0", head, pack.Refs.List("tags/v0")[0].Value, force: true));
                await ExpectUpdatedAsync(await again.ReceiveAsync(), "moving tags/t0");
            });
            kept = [.. pack.Refs.List()];
            Assert.Equal(10, kept.Count);
        }

        using var reopened = PackStore.Open(FileBlockDevice.Open(path, new FileBlockDeviceOptions { SectorSize = 512 }), where: path);
        Assert.Equal(kept, reopened.Refs.List());
    }

    [Fact]
    public async Task Ref_updates_beyond_the_connection_limit_are_refused()
    {
        using var pack = CreatePack("per-connection.pack", tags: 0);
        var head = Head(pack);
        await ServeAsync(pack, new SyncLimits { MaxRefUpdatesPerConnection = 5 }, async endPoint =>
        {
            await using (var link = await PeerLink.ConnectAsync(endPoint))
            {
                await HelloAsync(link);
                for (var i = 0; i < 5; i++)
                {
                    await ExpectUpdatedAsync(await PushTagAsync(link, $"tags/t{i}", head), $"push {i}");
                }

                await ExpectErrorAsync(await PushTagAsync(link, "tags/t5", head), "this connection has made 5 ref updates, the most one connection may make");
            }

            await using var next = await PeerLink.ConnectAsync(endPoint);
            await HelloAsync(next);
            await ExpectUpdatedAsync(await PushTagAsync(next, "tags/t6", head), "a push on a new connection");
        });

        Assert.Equal(["tags/t0", "tags/t1", "tags/t2", "tags/t3", "tags/t4", "tags/t6", "tags/v0", "tags/v1"], pack.Refs.List("tags/").Select(r => r.Key));
    }

    [Fact]
    public async Task A_fetch_refuses_a_server_listing_more_refs_than_its_limit()
    {
        using var pack = CreatePack("many.pack", tags: 50);
        using var client = SyncFixture.CounterRepository();
        await ServeAsync(pack, SyncLimits.Default, async endPoint =>
        {
            var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true, Limits = new SyncLimits { MaxRefs = 20 } });
            var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
            Assert.Equal(SyncErrorKind.Refused, e.Kind);
            Assert.Contains("lists 53 refs, more than the 20 accepted", e.Message, StringComparison.Ordinal);
        });
        Assert.Empty(client.Refs.List());
    }

    [Fact]
    public async Task A_fetch_of_many_tags_is_one_ref_update()
    {
        using var pack = CreatePack("tags.pack", tags: 300);
        using var client = PackStore.Create(new MemoryBlockDevice(512, 16_384, recordWrites: false), Schema, ContentType, where: "client");
        using var clientRepo = Repository<long>.Open(client.Objects, client.Refs, CounterContents.Instance);
        var changes = 0;
        using var watch = client.Refs.Watch(_ => Interlocked.Increment(ref changes));
        var generation = client.Stats().Generation;
        await ServeAsync(pack, SyncLimits.Default, async endPoint =>
        {
            var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true });
            var fetched = await remote.FetchAsync(SyncStore.Of(clientRepo));
            Assert.Equal(303, fetched.Moved.Count);
        });

        Assert.Equal(302, client.Refs.List("tags/").Count);
        var roots = client.Stats().Generation - generation;
        Assert.True(roots <= 2, $"the fetch wrote {roots} roots (one per ref update)");
    }

    private PackStore CreatePack(string name, int tags)
    {
        var path = Path.Combine(directory, name);
        var pack = PackStore.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { SectorSize = 512, CreateSectors = 65_536 }), Schema, ContentType, where: path);
        var repo = Repository<long>.Open(pack.Objects, pack.Refs, CounterContents.Instance); // disposing it would close the pack
        SampleHistory.Grow(repo, 0, 3, 20);
        repo.CreateTag("v1", repo.Main.HeadHash!.Value);
        repo.CreateTag("v0", repo.Main.Head!.Parents[0]);
        if (tags > 0)
        {
            var head = repo.Main.HeadHash!.Value;
            Assert.True(pack.Refs.CompareAndSwapAll([.. Enumerable.Range(0, tags).Select(i => new RefSwap($"tags/release-{i:D5}", null, head))]));
        }

        return pack;
    }

    private static Hash Head(PackStore pack) => pack.Refs.TryRead("heads/main", out var head) ? head : throw new InvalidOperationException("no main");

    private static async Task ServeAsync(PackStore pack, SyncLimits limits, Func<IPEndPoint, Task> body)
    {
        var repo = Repository<long>.Open(pack.Objects, pack.Refs, CounterContents.Instance);
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = SyncStore.Of(repo) },
            new SyncServerOptions { InsecureLoopback = true, Limits = limits, Log = line => Console.Error.WriteLine("server: " + line) });
        try
        {
            await body(server.Start(new IPEndPoint(IPAddress.Loopback, 0)));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task HelloAsync(PeerLink link)
    {
        await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType));
        await link.ExpectAsync(HandBuiltMessage.Welcome);
    }

    /// <summary>An empty push that creates <paramref name="name"/>; returns the server's answer.</summary>
    private static async Task<Frame?> PushTagAsync(PeerLink link, string name, Hash commit)
    {
        await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
        await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody(name, null, commit, force: false));
        return await link.ReceiveAsync();
    }

    private static Task ExpectUpdatedAsync(Frame? frame, string what)
    {
        Assert.True(frame is not null, $"{what}: the server hung up");
        if (frame.Type == HandBuiltMessage.Error)
        {
            var (kind, message) = HandBuiltMessage.ReadError(frame.Body);
            Assert.Fail($"{what}: the server answered {kind}: {message}");
        }

        Assert.Equal(HandBuiltMessage.RefUpdated, frame.Type);
        return Task.CompletedTask;
    }

    private static Task ExpectErrorAsync(Frame? frame, string says)
    {
        Assert.True(frame is not null, "the server hung up without an error message");
        Assert.Equal(HandBuiltMessage.Error, frame.Type);
        var (kind, message) = HandBuiltMessage.ReadError(frame.Body);
        Assert.True(kind == "refused" && message.Contains(says, StringComparison.Ordinal), $"expected refused saying \"{says}\", got {kind}: {message}");
        return Task.CompletedTask;
    }
}
