using System.Net;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A hand-scripted client against a real <see cref="SyncServer"/> over a pack on a file (plain TCP
/// on loopback). Whatever it sends, the server answers with an error and hangs up, keeps serving
/// a well-behaved client (while the hostile connection is open and after), and its pack file is,
/// once the server is stopped and the pack closed, byte for byte what an open and a close with
/// nothing done leave (see <see cref="PackOnFile.AfterIdleOpenAndClose"/>).
/// </summary>
public sealed class HostileClientTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-hostile-client-").FullName;
    private readonly Repository<long> source = SyncFixture.CounterRepository();

    public HostileClientTests()
    {
        // Objects the server does not have: commits 50 and 51 of the sample history.
        SampleHistory.Grow(source, 50, 2, 6);
    }

    private Hash SourceHead => source.Main.HeadHash!.Value;

    private List<Hash> SourceObjects => MissingObjects.Compute(source.Objects, [SourceHead], []);

    public void Dispose()
    {
        source.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("swapped")]
    [InlineData("one byte flipped")]
    public async Task Pushed_objects_that_do_not_hash_to_their_offer_are_refused(string how)
    {
        await AgainstServerAsync(async (link, _) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            var offered = SourceObjects.Take(2).ToList();
            var need = await OfferAsync(link, offered);
            Assert.Equal(0b11, need[0]);
            var first = source.Objects.ReadRaw(offered[0]).ToArray();
            var second = source.Objects.ReadRaw(offered[1]);
            if (how == "swapped")
            {
                await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([second, first]));
            }
            else
            {
                first[^1] ^= 0x01;
                await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([first, second]));
            }

            await ExpectErrorAsync(link, "protocol", $"offered as {offered[0]} hashes to");
        });
    }

    [Theory]
    [MemberData(nameof(BadDeltas.Cases), MemberType = typeof(BadDeltas))]
    public async Task A_pushed_delta_that_does_not_rebuild_its_object_is_refused(string how, string says)
    {
        await AgainstServerAsync(async (link, _) =>
        {
            await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType, ["delta"]));
            await link.ExpectAsync(HandBuiltMessage.Welcome);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            var offered = SourceObjects.Take(2).ToList();
            await OfferAsync(link, offered);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(BadDeltas.Message(how, source.Objects, offered)));
            await ExpectErrorAsync(link, "protocol", says);
        });
    }

    [Fact]
    public async Task A_pushed_commit_whose_root_was_never_sent_is_refused()
    {
        await AgainstServerAsync(async (link, _) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, [SourceHead]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([source.Objects.ReadRaw(SourceHead)]));
            await ExpectErrorAsync(link, "protocol", "which was neither sent before it nor stored");
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_ref_update_to_a_commit_never_sent_is_refused(bool force)
    {
        await AgainstServerAsync(async (link, server) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            Assert.True(server.Refs.TryRead("heads/main", out var main));
            await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("heads/main", main, SourceHead, force));
            await ExpectErrorAsync(link, "refused", $"refusing to point heads/main at {SourceHead}: no such commit was received");
        });
    }

    /// <summary>A tag does not move without force, not even forward (the review moved tags/v1 on a fast-forward).</summary>
    [Fact]
    public async Task A_tag_fast_forward_without_force_is_refused()
    {
        await AgainstServerAsync(async (link, server) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            Assert.True(server.Refs.TryRead("tags/v0", out var v0));
            Assert.True(server.Refs.TryRead("heads/main", out var main));
            await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("tags/v0", v0, main, force: false));
            await ExpectErrorAsync(link, "refused", "a tag moves only with --force");
        });
    }

    /// <summary>Only heads/ and tags/ can be pushed, even to a commit the server has.</summary>
    [Theory]
    [InlineData("remotes/origin/main", true)]
    [InlineData("notes/main", true)]
    [InlineData("heads", true)]
    [InlineData("headsx/main", true)]
    [InlineData("heads/../remotes/x", false)]
    [InlineData("", false)]
    public async Task A_ref_update_outside_branches_and_tags_is_refused(string name, bool validName)
    {
        await AgainstServerAsync(async (link, server) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            Assert.True(server.Refs.TryRead("heads/main", out var main));
            await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody(name, null, main, force: true));
            if (validName)
            {
                await ExpectErrorAsync(link, "refused", $"refusing to update {name}: only branches (heads/) and tags (tags/) can be pushed");
            }
            else
            {
                await ExpectErrorAsync(link, "protocol", "sent a malformed ref update message");
            }
        });
    }

    [Theory]
    [InlineData(false, 0x7FFFFFFFu)]
    [InlineData(true, 0x7FFFFFFFu)]
    [InlineData(true, (16u << 20) + 1)]
    [InlineData(true, 0u)]
    public async Task An_oversized_frame_is_refused(bool afterHello, uint length)
    {
        await AgainstServerAsync(async (link, _) =>
        {
            if (afterHello)
            {
                await HelloAsync(link);
            }

            await link.SendRawAsync(new byte[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, HandBuiltMessage.Push });
            await ExpectErrorAsync(link, "protocol", "sent a frame with an invalid length (limit 16777216 bytes)");
        });
    }

    /// <summary>
    /// Random bytes: the server refuses them as a frame of invalid length. It may hang up with
    /// garbage still unread, which resets the connection and can drop its error message, so only
    /// the hang-up is required here, and the server's log is checked.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Random_garbage_is_refused(bool afterHello)
    {
        var garbage = new byte[64 * 1024];
        new Random(99).NextBytes(garbage);
        garbage[0] = 0x5A;
        var log = await AgainstServerAsync(async (link, _) =>
        {
            if (afterHello)
            {
                await HelloAsync(link);
            }

            await link.SendRawAsync(garbage);
            Assert.True(await link.ClosedByPeerAsync(), "the server should hang up");
        });

        Assert.Contains(log, line => line.Contains("sent a frame with an invalid length", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_garbage_body_in_a_push_offer_is_refused()
    {
        await AgainstServerAsync(async (link, _) =>
        {
            await HelloAsync(link);
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(HandBuiltMessage.Offer, [0xC1, 1, 2, 3]);
            await ExpectErrorAsync(link, "protocol", "sent a malformed offer message");
        });
    }

    /// <summary>A client that connects and says nothing is dropped after the idle timeout, and others are served meanwhile.</summary>
    [Fact]
    public async Task A_silent_client_is_dropped_and_does_not_hold_up_others()
    {
        await AgainstServerAsync(
            async (link, _) =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Assert.True(await link.ClosedByPeerAsync(), "the server should drop a silent client");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"dropped after {clock.Elapsed}");
            },
            new SyncLimits { IdleTimeout = TimeSpan.FromMilliseconds(500) });
    }

    private static async Task HelloAsync(PeerLink link)
    {
        await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType));
        await link.ExpectAsync(HandBuiltMessage.Welcome);
    }

    private static async Task<byte[]> OfferAsync(PeerLink link, IReadOnlyList<Hash> hashes)
    {
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(hashes));
        return HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
    }

    /// <summary>The server's error message, of kind <paramref name="kind"/> and saying <paramref name="says"/>; then the server hangs up.</summary>
    private static async Task ExpectErrorAsync(PeerLink link, string kind, string says)
    {
        var frame = await link.ReceiveAsync();
        Assert.True(frame is not null, "the server hung up without an error message");
        Assert.Equal(HandBuiltMessage.Error, frame.Type);
        var (actualKind, message) = HandBuiltMessage.ReadError(frame.Body);
        Assert.True(actualKind == kind && message.Contains(says, StringComparison.Ordinal), $"expected {kind} saying \"{says}\", got {actualKind}: {message}");
        Assert.True(await link.ClosedByPeerAsync(), "the server should hang up after an error");
    }

    /// <summary>
    /// Serves a seeded pack, runs <paramref name="hostile"/> on a raw connection (it gets the live
    /// server store to look at), fetches as a well-behaved client while that connection is still
    /// open and again after, then stops the server, closes the pack and compares the file with
    /// what an idle open and close leave. Returns the server's log.
    /// </summary>
    private async Task<List<string>> AgainstServerAsync(Func<PeerLink, SyncStore, Task> hostile, SyncLimits? limits = null)
    {
        var path = Path.Combine(directory, "server.pack");
        using (var seed = PackOnFile.Create(path))
        {
            SampleHistory.Grow(seed.Repository, 0, 3, 20);
            seed.Repository.CreateTag("v1", seed.Repository.Main.HeadHash!.Value);
            seed.Repository.CreateTag("v0", seed.Repository.Main.Head!.Parents[0]);
        }

        var before = PackOnFile.AfterIdleOpenAndClose(path);
        var log = new List<string>();
        var pack = PackOnFile.Open(path);
        try
        {
            var refsBefore = pack.Repository.Refs.List().ToList();
            var server = new SyncServer(
                new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = pack.Store },
                new SyncServerOptions
                {
                    InsecureLoopback = true,
                    Limits = limits ?? SyncLimits.Default,
                    Log = line =>
                    {
                        lock (log)
                        {
                            log.Add(line);
                        }
                    },
                });
            try
            {
                var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
                await using (var link = await PeerLink.ConnectAsync(endPoint))
                {
                    var running = hostile(link, pack.Store);
                    await WellBehavedFetchAsync(endPoint, pack.Repository);
                    await running.WaitAsync(TimeSpan.FromSeconds(20));
                }

                Assert.Equal(refsBefore, pack.Repository.Refs.List());
                await WellBehavedFetchAsync(endPoint, pack.Repository);
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
        finally
        {
            pack.Dispose();
        }

        PackOnFile.AssertUnchanged(before, path, "the hostile client's session: " + ServerLogWait.All(log));
        lock (log)
        {
            return [.. log];
        }
    }

    private static async Task WellBehavedFetchAsync(IPEndPoint endPoint, Repository<long> server)
    {
        using var client = SyncFixture.CounterRepository();
        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions { InsecureLoopback = true });
        await remote.FetchAsync(SyncStore.Of(client));
        Assert.Equal(StoreConsistency.RefsUnder(server.Refs, "heads/"), StoreConsistency.RefsUnder(client.Refs, "remotes/origin/"));
        Assert.Equal(StoreConsistency.RefsUnder(server.Refs, "tags/"), StoreConsistency.RefsUnder(client.Refs, "tags/"));
        StoreConsistency.AssertRefsComplete(client.Objects, client.Refs);
    }
}
