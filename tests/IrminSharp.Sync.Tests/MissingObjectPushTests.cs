using System.Net;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A hostile client (hand-scripted on a raw connection) pushing to a real <see cref="SyncServer"/>
/// over a pack on a file a commit whose graph names an object it never sends (see
/// <see cref="MissingObjectCase"/>). The server answers with a protocol error naming the missing
/// object, no ref moves, the hostile commit is not stored, an honest incremental push then works,
/// and fsck finds the pack clean. A scripted honest incremental push, relying on objects the
/// server holds and were not sent, is accepted: a verifier refusing everything fails it.
/// </summary>
public sealed class MissingObjectPushTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-missing-push-").FullName;

    public static TheoryData<string> Cases() => [.. MissingObjectCase.Names];

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_pushed_object_named_and_never_sent_is_refused_and_an_honest_push_then_works(string name)
    {
        using var @case = MissingObjectCase.Build(name);
        await AgainstServerAsync(@case, async (endPoint, server) =>
        {
            var refsBefore = server.Refs.List().ToList();
            await using (var link = await PeerLink.ConnectAsync(endPoint))
            {
                await StartPushAsync(link);
                await SendNeededAsync(link, @case.Source, @case.HostileObjects);
                var frame = await ReplyAsync(link);
                Assert.True(frame is not null, "the server hung up without an error message");
                Assert.Equal(HandBuiltMessage.Error, frame.Type);
                var (kind, message) = HandBuiltMessage.ReadError(frame.Body);
                Assert.True(kind == "protocol" && message.Contains(@case.Says, StringComparison.Ordinal), $"{name}: expected protocol saying \"{@case.Says}\", got {kind}: {message}");
                Assert.True(await link.ClosedByPeerAsync(), "the server should hang up after an error");
            }

            Assert.Equal(refsBefore, server.Refs.List());
            Assert.False(server.Objects.Contains(@case.Hostile), "the hostile commit was stored");
            Assert.False(server.Objects.Contains(@case.Missing));

            var pushed = await RemoteTo(endPoint).PushAsync(SyncStore.Of(@case.Source), "main");
            Assert.Equal(@case.Honest, pushed.New);
            Assert.Equal(@case.HonestIncrement, pushed.Sent.Objects);
        });
    }

    /// <summary>
    /// The positive case: a scripted push offering the honest commit's whole graph; the server
    /// declines what it holds (the base), accepts the rest, which names the base's objects, and
    /// moves its branch.
    /// </summary>
    [Fact]
    public async Task A_scripted_incremental_push_relying_on_held_objects_is_accepted()
    {
        using var @case = MissingObjectCase.Build("content child");
        await AgainstServerAsync(@case, async (endPoint, server) =>
        {
            await using var link = await PeerLink.ConnectAsync(endPoint);
            await StartPushAsync(link);
            var sent = await SendNeededAsync(link, @case.Source, @case.HonestObjects);
            Assert.Equal(@case.HonestIncrement, sent);
            Assert.True(sent < @case.HonestObjects.Count, "the server needed everything: nothing relied on held objects");
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("heads/main", @case.Base, @case.Honest, force: false));
            var frame = await link.ReceiveAsync();
            Assert.True(frame is not null, "the server hung up");
            Assert.True(frame.Type == HandBuiltMessage.RefUpdated, frame.Type == HandBuiltMessage.Error ? $"refused: {HandBuiltMessage.ReadError(frame.Body)}" : $"message type {frame.Type}");
            Assert.True(server.Refs.TryRead("heads/main", out var main) && main == @case.Honest);
        });
    }

    /// <summary>The server's next message; fails saying so if it sends none (it accepted the objects and waits for more).</summary>
    private static async Task<Frame?> ReplyAsync(PeerLink link)
    {
        try
        {
            return await link.ReceiveAsync();
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server accepted the objects: it sent nothing for {PeerLink.ReadTimeout.TotalSeconds} s, waiting for the rest of the push");
            throw;
        }
    }

    private static async Task StartPushAsync(PeerLink link)
    {
        await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType));
        await link.ExpectAsync(HandBuiltMessage.Welcome);
        await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
    }

    /// <summary>Offers <paramref name="objects"/> in one batch and sends those the server needs in one objects message; returns how many.</summary>
    private static async Task<int> SendNeededAsync(PeerLink link, Repository<long> source, IReadOnlyList<Hash> objects)
    {
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(objects));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        var needed = objects.Where((_, i) => (need[i >> 3] & (1 << (i & 7))) != 0).Select(h => source.Objects.ReadRaw(h)).ToList();
        await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(needed));
        return needed.Count;
    }

    private static Remote RemoteTo(IPEndPoint endPoint) =>
        new("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true, Timeout = TimeSpan.Zero });

    /// <summary>
    /// Serves a pack on a file holding the case's base, runs <paramref name="test"/> against it,
    /// stops the server and checks the pack with fsck.
    /// </summary>
    private async Task AgainstServerAsync(MissingObjectCase @case, Func<IPEndPoint, Repository<long>, Task> test)
    {
        using var pack = PackOnFile.Create(Path.Combine(directory, "server.pack"));
        @case.SeedBase(pack.Repository);
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = pack.Store },
            new SyncServerOptions { InsecureLoopback = true });
        try
        {
            await test(server.Start(new IPEndPoint(IPAddress.Loopback, 0)), pack.Repository);
        }
        finally
        {
            await server.DisposeAsync();
        }

        StoreConsistency.AssertRefsComplete(pack.Repository.Objects, pack.Repository.Refs);
        var fsck = pack.Pack.Fsck(pack.Repository.Options.Schema);
        Assert.True(fsck.IsClean, $"{@case.Name}: fsck: {string.Join("; ", fsck.Problems)}");
    }
}
