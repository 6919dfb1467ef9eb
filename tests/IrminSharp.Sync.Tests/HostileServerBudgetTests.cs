using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A client fetching from a <see cref="ScriptedPeer"/> that answers with a delta bomb, a zlib
/// bomb, more than the client's budget, stream messages out of turn, or a message trickled a byte
/// at a time. The fetch fails naming the limit, the client's pack grows by no more than what was
/// checked and allowed, no tracking ref appears, its own history is intact, and an honest fetch
/// afterwards works.
/// </summary>
public sealed class HostileServerBudgetTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-hostile-server-budget-").FullName;
    private readonly Repository<long> source = SyncFixture.CounterRepository();

    public HostileServerBudgetTests()
    {
        SampleHistory.Grow(source, 50, 2, 6);
    }

    private Hash SourceHead => source.Main.HeadHash!.Value;

    private List<KeyValuePair<string, Hash>> Advertised => [new("heads/main", SourceHead)];

    private List<Hash> SourceObjects => MissingObjects.Compute(source.Objects, [SourceHead], []);

    public void Dispose()
    {
        source.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_delta_bomb_is_refused_by_the_expansion_limit()
    {
        var baseObject = BudgetWire.Contents(1 << 20, seed: 1);
        var (hashes, deltas) = BudgetWire.DeltaBomb(baseObject, 32);
        var (e, growth) = await FetchFromAsync(["delta"], async link =>
        {
            await OfferAsync(link, [BudgetWire.HashOf(baseObject), .. hashes]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([WireObjectEntry.Whole(baseObject)]));
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(deltas));
        });
        AssertFailure(e, SyncErrorKind.Protocol, "the expansion limit");
        Assert.True(growth < 2 << 20, $"the client's pack grew by {growth} bytes: more than the base object the delta bomb built on");
    }

    [Fact]
    public async Task A_zlib_bomb_is_refused_by_the_expansion_limit()
    {
        var zeros = BudgetWire.Contents(4 << 20, seed: null);
        var (e, growth) = await FetchFromAsync(["zlib"], async link =>
        {
            await OfferAsync(link, [BudgetWire.HashOf(zeros)]);
            await link.SendAsync(BudgetWire.ObjectsZlib, BudgetWire.Zlib(HandBuiltMessage.ObjectsBody([(ReadOnlyMemory<byte>)zeros])));
        });
        AssertFailure(e, SyncErrorKind.Protocol, "the expansion limit");
        Assert.True(growth < 64 << 10, $"the client's pack grew by {growth} bytes, and nothing was accepted");
    }

    [Fact]
    public async Task A_fetch_over_the_object_budget_is_refused()
    {
        var objects = SourceObjects;
        var (e, growth) = await FetchFromAsync([], async link =>
        {
            await OfferAsync(link, objects);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(objects.ConvertAll(h => source.Objects.ReadRaw(h))));
        }, new SyncLimits { MaxTransferObjects = 5 });
        AssertFailure(e, SyncErrorKind.Refused, "MaxTransferObjects");
        Assert.True(growth < 4 << 10, $"the client's pack grew by {growth} bytes, and the one message was refused");
    }

    [Fact]
    public async Task A_stream_message_before_any_offer_is_refused()
    {
        var stray = BudgetWire.Contents(100, seed: 3);
        var (e, growth) = await FetchFromAsync(["stream"], link =>
            link.SendAsync(BudgetWire.Stream, HandBuiltMessage.ObjectsBody([(ReadOnlyMemory<byte>)stray])));
        AssertFailure(e, SyncErrorKind.Protocol, "sent message type 14 where Offer or End was due");
        Assert.True(growth < 4 << 10, $"the client's pack grew by {growth} bytes, and nothing was accepted");
    }

    [Fact]
    public async Task A_server_trickling_a_message_is_dropped_at_the_minimum_rate()
    {
        var (e, _) = await FetchFromAsync([], async link =>
        {
            await BudgetWire.TrickleAsync(link, HandBuiltMessage.Offer, 32 * 100, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(8));
        }, new SyncLimits { MinBytesPerSecond = 1000, RateWindow = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromSeconds(5) });
        AssertFailure(e, SyncErrorKind.Timeout, "MinBytesPerSecond");
    }

    private static void AssertFailure(SyncException e, SyncErrorKind kind, string says) =>
        Assert.True(e.Kind == kind && e.Message.Contains(says, StringComparison.Ordinal), $"expected {kind} saying \"{says}\", got {e.Kind}: {e.Message}");

    private static async Task OfferAsync(PeerLink link, List<Hash> hashes)
    {
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(hashes));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        Assert.True(Enumerable.Range(0, hashes.Count).All(i => (need[i >> 3] & (1 << (i & 7))) != 0), "the client should need every object offered");
    }

    /// <summary>Answers hello (announcing <paramref name="capabilities"/>) and list-refs, then reads the fetch request.</summary>
    private async Task GreetAsync(PeerLink link, IReadOnlyList<string> capabilities)
    {
        await link.ExpectAsync(HandBuiltMessage.Hello);
        await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(Schema, ContentType, capabilities));
        await link.ExpectAsync(HandBuiltMessage.ListRefs);
        await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody(Advertised));
        await link.ExpectAsync(HandBuiltMessage.Fetch);
    }

    /// <summary>
    /// Fetches into a seeded client pack from a peer that greets and then runs
    /// <paramref name="script"/>; returns the failure and how much the pack's log grew, after
    /// checking no tracking ref appeared, the client's own refs are intact, and an honest peer is
    /// then fetched from.
    /// </summary>
    private async Task<(SyncException Failure, long Growth)> FetchFromAsync(IReadOnlyList<string> capabilities, Func<PeerLink, Task> script, SyncLimits? limits = null)
    {
        var path = Path.Combine(directory, "client.pack");
        using (var seed = PackOnFile.Create(path))
        {
            SampleHistory.Grow(seed.Repository, 0, 2, 10);
        }

        using var client = PackOnFile.Open(path);
        var refsBefore = client.Repository.Refs.List().ToList();
        var logBefore = client.Pack.Stats().LogBytes;
        SyncException e;
        await using (var peer = new ScriptedPeer(async link =>
        {
            await GreetAsync(link, capabilities);
            await script(link);
            await link.ClosedByPeerAsync();
        }))
        {
            e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote(limits).FetchAsync(client.Store));
            await peer.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var growth = client.Pack.Stats().LogBytes - logBefore;
        Assert.Equal(refsBefore, client.Repository.Refs.List());
        StoreConsistency.AssertRefsComplete(client.Repository.Objects, client.Repository.Refs);

        await using var honest = new ScriptedPeer(async link =>
        {
            await GreetAsync(link, []);
            var objects = SourceObjects;
            await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(objects));
            var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
            var needed = objects.Where((_, i) => (need[i >> 3] & (1 << (i & 7))) != 0).Select(h => source.Objects.ReadRaw(h)).ToList();
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(needed));
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
            await link.ClosedByPeerAsync();
        });
        await honest.Remote().FetchAsync(client.Store);
        Assert.True(client.Repository.Refs.TryRead("remotes/origin/main", out var main) && main == SourceHead);
        StoreConsistency.AssertRefsComplete(client.Repository.Objects, client.Repository.Refs);
        return (e, growth);
    }
}
