using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A client fetching from a <see cref="ScriptedPeer"/> that greets it correctly and then breaks
/// the protocol. Each time the client must fail with the right <see cref="SyncErrorKind"/> and a
/// message naming the problem, and its store, a pack on a file, must be byte for byte what an
/// open and a close with nothing done leave (a writable open bumps the superblock generation to
/// record the writer; see <see cref="PackOnFile.AfterIdleOpenAndClose"/>).
/// The valid objects the peer replays come from a real repository.
/// </summary>
public sealed class HostilePeerTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-hostile-peer-").FullName;
    private readonly Repository<long> source = SyncFixture.CounterRepository();

    public HostilePeerTests()
    {
        // Commits 50 and 51: values and paths the client's own commits 0 and 1 do not have.
        SampleHistory.Grow(source, 50, 2, 6);
    }

    private Hash SourceHead => source.Main.HeadHash!.Value;

    private List<KeyValuePair<string, Hash>> Advertised => [new("heads/main", SourceHead)];

    /// <summary>Everything behind the source's head, each object after those it names.</summary>
    private List<Hash> SourceObjects => MissingObjects.Compute(source.Objects, [SourceHead], []);

    public void Dispose()
    {
        source.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// The harness itself: replaying the source's objects honestly gives a working fetch, and the
    /// byte comparison the other tests rely on sees the pack change.
    /// </summary>
    [Fact]
    public async Task An_honest_scripted_peer_is_fetched_from()
    {
        var path = SeedClientPack();
        var idle = PackOnFile.AfterIdleOpenAndClose(path);
        await using var peer = new ScriptedPeer(async link =>
        {
            await GreetAsync(link, Advertised);
            await SendNeededAsync(link, source, SourceObjects);
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        });
        using (var client = PackOnFile.Open(path))
        {
            var result = await FetchOrShowScriptFailureAsync(peer, client);
            Assert.Equal(SourceObjects.Count, result.Received.Objects);
            Assert.True(client.Repository.Refs.TryRead("remotes/origin/main", out var main) && main == SourceHead);
            StoreConsistency.AssertRefsComplete(client.Repository.Objects, client.Repository.Refs);
        }

        await peer.Finished.WaitAsync(PeerLink.ReadTimeout);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PackOnFile.AssertUnchanged(idle, path, "an honest fetch"));
    }

    /// <summary>
    /// The harness for deltas: a peer announcing them sends the head's root node as an honest delta
    /// against the previous commit's root (sent earlier in the same message), and is fetched from.
    /// </summary>
    [Fact]
    public async Task An_honest_delta_is_accepted()
    {
        var path = SeedClientPack();
        var objects = SourceObjects;
        var head = source.GetCommit(SourceHead);
        var newRoot = head.Root;
        var oldRoot = source.GetCommit(head.Parents[0]).Root;
        await using var peer = new ScriptedPeer(async link =>
        {
            await GreetAsync(link, Advertised, deltas: true);
            var need = await OfferAsync(link, objects);
            var entries = new List<WireObjectEntry>();
            for (var i = 0; i < objects.Count; i++)
            {
                if ((need[i >> 3] & (1 << (i & 7))) != 0)
                {
                    var bytes = source.Objects.ReadRaw(objects[i]);
                    entries.Add(objects[i] == newRoot ? WireObjectEntry.HonestDelta(oldRoot, source.Objects.ReadRaw(oldRoot).Span, bytes) : WireObjectEntry.Whole(bytes));
                }
            }

            var delta = Assert.Single(entries, e => e.Base is not null);
            Assert.True(delta.Prefix + delta.Suffix > 0, "the two roots share no bytes: the delta would prove nothing");
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(entries));
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        });
        using (var client = PackOnFile.Open(path))
        {
            await FetchOrShowScriptFailureAsync(peer, client);
            Assert.True(client.Repository.Refs.TryRead("remotes/origin/main", out var main) && main == SourceHead);
            Assert.Equal(source.Objects.ReadRaw(newRoot).ToArray(), client.Repository.Objects.ReadRaw(newRoot).ToArray());
        }

        await peer.Finished.WaitAsync(PeerLink.ReadTimeout);
    }

    [Theory]
    [MemberData(nameof(BadDeltas.Cases), MemberType = typeof(BadDeltas))]
    public async Task A_delta_that_does_not_rebuild_its_object_is_refused(string how, string says)
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised, deltas: true);
            var offered = SourceObjects.Take(2).ToList();
            await OfferAsync(link, offered);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(BadDeltas.Message(how, source.Objects, offered)));
        });

        AssertFailure(e, SyncErrorKind.Protocol, says);
    }

    [Fact]
    public async Task A_delta_from_a_peer_that_did_not_announce_deltas_is_refused()
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised, deltas: false);
            var offered = SourceObjects.Take(2).ToList();
            await OfferAsync(link, offered);
            var first = source.Objects.ReadRaw(offered[0]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([WireObjectEntry.Whole(first), new WireObjectEntry(source.Objects.ReadRaw(offered[1]), offered[0], 0, 0)]));
        });

        AssertFailure(e, SyncErrorKind.Protocol, "the delta capability was not agreed");
    }

    [Theory]
    [InlineData("swapped")]
    [InlineData("one byte flipped")]
    public async Task An_object_that_does_not_hash_to_its_offer_is_refused(string how)
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised);
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
        });

        AssertFailure(e, SyncErrorKind.Protocol, $"offered as {SourceObjects[0]} hashes to");
    }

    [Fact]
    public async Task A_commit_whose_root_was_never_sent_is_refused()
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised);
            var need = await OfferAsync(link, [SourceHead]);
            Assert.Equal(1, need[0]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([source.Objects.ReadRaw(SourceHead)]));
        });

        AssertFailure(e, SyncErrorKind.Protocol, $"names {source.GetCommit(SourceHead).Root}, which was neither sent before it nor stored");
    }

    [Fact]
    public async Task A_valid_tree_sent_after_the_commit_that_names_it_is_refused()
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised);
            var reversed = Enumerable.Reverse(SourceObjects).ToList();
            await SendNeededAsync(link, source, reversed);
        });

        AssertFailure(e, SyncErrorKind.Protocol, "which was neither sent before it nor stored");
    }

    [Fact]
    public async Task A_ref_advertised_and_never_sent_is_a_protocol_error()
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised);
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        });

        AssertFailure(e, SyncErrorKind.Protocol, $"did not send commit {SourceHead} of heads/main");
    }

    /// <summary>A frame length above the limit (or zero) is refused as soon as its four bytes arrive: the peer sends nothing more and keeps the link open.</summary>
    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData((1u << 20) + 1)]
    [InlineData(0u)]
    public async Task A_frame_length_above_the_limit_is_refused_before_its_body(uint length)
    {
        var e = await FetchFromAsync(
            async link =>
            {
                await GreetAsync(link, Advertised);
                await link.SendRawAsync(new byte[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, HandBuiltMessage.Objects });
                Assert.True(await link.ClosedByPeerAsync(), "the client should hang up");
            },
            new SyncLimits { MaxFrameBytes = 1 << 20 });

        AssertFailure(e, SyncErrorKind.Protocol, "a frame with an invalid length (limit 1048576 bytes)");
    }

    /// <summary>Random bytes where a frame is due, at each point of the exchange.</summary>
    [Theory]
    [InlineData("welcome")]
    [InlineData("refs")]
    [InlineData("offer")]
    public async Task Random_garbage_is_refused(string instead)
    {
        var garbage = new byte[64 * 1024];
        new Random(20240611).NextBytes(garbage);
        garbage[0] = 0x5A; // a declared length far above the limit, whatever the seed gives
        var e = await FetchFromAsync(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            if (instead != "welcome")
            {
                await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(Schema, ContentType));
                await link.ExpectAsync(HandBuiltMessage.ListRefs);
                if (instead != "refs")
                {
                    await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody(Advertised));
                    await link.ExpectAsync(HandBuiltMessage.Fetch);
                }
            }

            await link.SendRawAsync(garbage);
        });

        AssertFailure(e, SyncErrorKind.Protocol, "a frame with an invalid length");
    }

    /// <summary>A frame of the right type whose body is not the message's shape.</summary>
    [Theory]
    [InlineData("welcome")]
    [InlineData("refs")]
    [InlineData("offer")]
    [InlineData("objects")]
    [InlineData("end")]
    public async Task A_well_framed_message_with_a_garbage_body_is_refused(string which)
    {
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0xC1; // a byte MessagePack never uses
        var e = await FetchFromAsync(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            if (which == "welcome")
            {
                await link.SendAsync(HandBuiltMessage.Welcome, garbage);
                return;
            }

            await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(Schema, ContentType));
            await link.ExpectAsync(HandBuiltMessage.ListRefs);
            if (which == "refs")
            {
                await link.SendAsync(HandBuiltMessage.Refs, garbage);
                return;
            }

            await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody(Advertised));
            await link.ExpectAsync(HandBuiltMessage.Fetch);
            switch (which)
            {
                case "offer":
                    await link.SendAsync(HandBuiltMessage.Offer, garbage);
                    break;
                case "end":
                    await link.SendAsync(HandBuiltMessage.End, garbage);
                    break;
                default:
                    await OfferAsync(link, SourceObjects.Take(3).ToList());
                    await link.SendAsync(HandBuiltMessage.Objects, garbage);
                    break;
            }
        });

        AssertFailure(e, SyncErrorKind.Protocol, $"sent a malformed {which} message");
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)200)]
    [InlineData(HandBuiltMessage.RefUpdated)]
    [InlineData(HandBuiltMessage.Welcome)]
    public async Task A_message_of_a_type_not_due_is_refused(byte type)
    {
        var e = await FetchFromAsync(async link =>
        {
            await GreetAsync(link, Advertised);
            await link.SendAsync(type, HandBuiltMessage.EmptyBody());
        });

        AssertFailure(e, SyncErrorKind.Protocol, $"sent message type {type} where Offer or End was due");
    }

    /// <summary>Silence where an answer is due ends the fetch after the idle timeout, wherever it falls.</summary>
    [Theory]
    [InlineData("instead of the welcome")]
    [InlineData("after the fetch request")]
    [InlineData("in the middle of a frame")]
    [InlineData("after the need")]
    public async Task A_silent_peer_times_out(string where)
    {
        var limits = new SyncLimits { IdleTimeout = TimeSpan.FromMilliseconds(500) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await FetchFromAsync(
            async link =>
            {
                if (where == "instead of the welcome")
                {
                    await link.ExpectAsync(HandBuiltMessage.Hello);
                }
                else
                {
                    await GreetAsync(link, Advertised);
                    if (where == "in the middle of a frame")
                    {
                        await link.SendRawAsync(new byte[] { 0, 0, 1, 0, HandBuiltMessage.Offer, 0xC4 });
                    }
                    else if (where == "after the need")
                    {
                        await OfferAsync(link, SourceObjects.Take(3).ToList());
                    }
                }

                Assert.True(await link.ClosedByPeerAsync(), "the client should hang up after its idle timeout");
            },
            limits);

        AssertFailure(e, SyncErrorKind.Timeout, "sent nothing for 0.5 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the timeout took {clock.Elapsed}");
    }

    /// <summary>
    /// A chain of 12 nested directories from a real repository, replayed in one objects message,
    /// to a client accepting trees 8 deep: refused, and none of the message is stored.
    /// </summary>
    [Fact]
    public async Task A_tree_deeper_than_the_limit_is_refused()
    {
        using var deep = SyncFixture.CounterRepository();
        deep.Main.Set(StorePath.Parse(string.Join('/', Enumerable.Repeat("a", 12))), 7);
        var head = deep.Main.HeadHash!.Value;
        var objects = MissingObjects.Compute(deep.Objects, [head], []);
        var e = await FetchFromAsync(
            async link =>
            {
                await GreetAsync(link, [new("heads/main", head)]);
                await SendNeededAsync(link, deep, objects);
                await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            },
            new SyncLimits { MaxTreeDepth = 8 });

        AssertFailure(e, SyncErrorKind.Protocol, "is the top of a tree deeper than 8 levels");
    }

    /// <summary>Fetches from <paramref name="peer"/>; when the fetch fails because the script did, raises the script's failure.</summary>
    private static async Task<FetchResult> FetchOrShowScriptFailureAsync(ScriptedPeer peer, PackOnFile client)
    {
        try
        {
            return await peer.Remote().FetchAsync(client.Store);
        }
        catch (SyncException)
        {
            await peer.Finished.WaitAsync(PeerLink.ReadTimeout);
            throw;
        }
    }

    private static void AssertFailure(SyncException e, SyncErrorKind kind, string says)
    {
        Assert.True(e.Kind == kind && e.Message.Contains(says, StringComparison.Ordinal), $"expected {kind} saying \"{says}\", got {e.Kind}: {e.Message}");
    }

    /// <summary>Answers hello and list-refs as a real server would (announcing deltas or no capability), then reads the fetch request.</summary>
    private static async Task GreetAsync(PeerLink link, IReadOnlyList<KeyValuePair<string, Hash>> refs, bool deltas = false)
    {
        await link.ExpectAsync(HandBuiltMessage.Hello);
        await link.SendAsync(HandBuiltMessage.Welcome, deltas ? HandBuiltMessage.WelcomeBody(Schema, ContentType, ["delta"]) : HandBuiltMessage.WelcomeBody(Schema, ContentType));
        await link.ExpectAsync(HandBuiltMessage.ListRefs);
        await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody(refs));
        await link.ExpectAsync(HandBuiltMessage.Fetch);
    }

    /// <summary>Offers <paramref name="hashes"/> and returns the need bitmap.</summary>
    private static async Task<byte[]> OfferAsync(PeerLink link, IReadOnlyList<Hash> hashes)
    {
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(hashes));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        Assert.Equal((hashes.Count + 7) / 8, need.Length);
        return need;
    }

    /// <summary>Offers <paramref name="hashes"/> in one batch and sends, in one objects message, those the client lacks.</summary>
    private static async Task SendNeededAsync<T>(PeerLink link, Repository<T> from, IReadOnlyList<Hash> hashes)
    {
        var need = await OfferAsync(link, hashes);
        var objects = hashes.Where((_, i) => (need[i >> 3] & (1 << (i & 7))) != 0).Select(h => from.Objects.ReadRaw(h)).ToList();
        await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(objects));
    }

    /// <summary>A client pack with two commits of its own, closed.</summary>
    private string SeedClientPack()
    {
        var path = Path.Combine(directory, "client.pack");
        using var seed = PackOnFile.Create(path);
        SampleHistory.Grow(seed.Repository, 0, 2, 10);
        return path;
    }

    /// <summary>
    /// Fetches from a peer running <paramref name="script"/> into a seeded client pack; returns the
    /// failure, after checking the pack file is byte for byte what an idle open and close of the
    /// same pack leaves.
    /// </summary>
    private async Task<SyncException> FetchFromAsync(Func<PeerLink, Task> script, SyncLimits? limits = null)
    {
        var path = SeedClientPack();
        var before = PackOnFile.AfterIdleOpenAndClose(path);
        await using var peer = new ScriptedPeer(script);
        SyncException e;
        using (var client = PackOnFile.Open(path))
        {
            e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote(limits).FetchAsync(client.Store));
            Assert.False(client.Repository.Refs.TryRead("remotes/origin/main", out _), "a failed fetch created a tracking ref");
        }

        await peer.Finished.WaitAsync(PeerLink.ReadTimeout);
        PackOnFile.AssertUnchanged(before, path, $"a fetch that failed with {e.Kind}: {e.Message}");
        return e;
    }
}
