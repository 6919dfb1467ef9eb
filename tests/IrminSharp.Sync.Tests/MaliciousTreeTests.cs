using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Peers that send well-formed objects arranged into trees the store must never hold: a hash
/// trie deeper than its hashes have digits, a trie whose buckets repeat one child (its entry
/// count multiplies with each level), a contents entry naming a commit, refs outside branches and
/// tags, and offers that never end. Each is refused and the receiver keeps nothing of it.
/// </summary>
public sealed class MaliciousTreeTests
{
    private static readonly CommitInfo Evil = new("evil", "evil", 1);
    private const byte StreamType = 14;

    [Fact]
    public async Task A_trie_deeper_than_its_hash_digits_is_refused()
    {
        using var hostile = SyncFixture.CounterRepository();
        var db = hostile.Objects;
        var value = db.WriteContents(hostile.Encode(7L));

        // A leaf of 33 entries at the bottom, so every inner node above holds more than a leaf may.
        var leaf = db.WriteNode(NodeObject.Flat([.. Enumerable.Range(0, 33).Select(i => new NodeEntry($"x{i:D2}", EntryKind.Contents, value))]));
        var child = leaf;
        for (var level = 0; level < 52; level++)
        {
            child = db.WriteNode(NodeObject.Inner(33, 1u, [child]));
        }

        var e = await FetchFromAsync(hostile, db.WriteCommit(child, [], Evil).Hash);
        Assert.Contains("holds 33 entries; a directory that large is a hash trie", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trie_whose_buckets_repeat_a_child_is_refused()
    {
        using var hostile = SyncFixture.CounterRepository();
        var db = hostile.Objects;
        var value = db.WriteContents(hostile.Encode(7L));
        var child = db.WriteNode(NodeObject.Flat([.. Enumerable.Range(0, 32).Select(i => new NodeEntry($"x{i:D2}", EntryKind.Contents, value))]));
        long count = 32;
        for (var level = 0; level < 12; level++)
        {
            count *= 32;
            child = db.WriteNode(NodeObject.Inner(count, uint.MaxValue, [.. Enumerable.Repeat(child, 32)]));
        }

        var e = await FetchFromAsync(hostile, db.WriteCommit(child, [], Evil).Hash);
        Assert.Contains("in two buckets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trie_more_levels_deep_than_digits_even_when_branching_is_refused()
    {
        using var hostile = SyncFixture.CounterRepository();
        var db = hostile.Objects;
        var value = db.WriteContents(hostile.Encode(7L));
        Hash Leaf(int tag) => db.WriteNode(NodeObject.Flat([.. Enumerable.Range(0, 32).Select(i => new NodeEntry($"l{tag}-{i:D2}", EntryKind.Contents, value))]));

        // Each level: the deeper chain in bucket 0 and a full leaf in bucket 1, so counts grow by 32.
        var child = db.WriteNode(NodeObject.Inner(64, 0b11, [Leaf(-1), Leaf(-2)]));
        long count = 64;
        for (var level = 0; level < 52; level++)
        {
            count += 32;
            child = db.WriteNode(NodeObject.Inner(count, 0b11, [child, Leaf(level)]));
        }

        var e = await FetchFromAsync(hostile, db.WriteCommit(child, [], Evil).Hash);
        Assert.Contains("tops a hash trie of more than 51 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contents_entry_naming_a_commit_is_refused_on_push()
    {
        await using var fx = new SyncFixture();
        using var attacker = SyncFixture.CounterRepository();
        attacker.Main.Set(StorePath.Parse("a"), 1);
        var c0 = attacker.Main.HeadHash!.Value;
        var root = attacker.Objects.WriteNode(NodeObject.Flat([new NodeEntry("evil", EntryKind.Contents, c0)]));
        var c1 = attacker.Objects.WriteCommit(root, [c0], Evil).Hash;
        attacker.Refs.CompareAndSwap("heads/b", null, c1, out _);

        using var server = SyncFixture.CounterRepository();
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server)));
        await remote.PushAsync(SyncStore.Of(attacker), "main");
        var before = ((MemoryObjectStore)server.Objects.Store).Count;
        var e = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(attacker), "b"));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.Contains("as contents, and it is not contents", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, ((MemoryObjectStore)server.Objects.Store).Count);
        Assert.False(server.Refs.TryRead("heads/b", out _));
    }

    [Fact]
    public async Task A_server_advertising_refs_outside_branches_and_tags_is_refused()
    {
        using var source = SyncFixture.CounterRepository();
        source.Main.Set(StorePath.Parse("a"), 1);
        var head = source.Main.HeadHash!.Value;
        await using var peer = new ScriptedPeer(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(NativeSchema.Instance.Name, CounterContents.Instance.Name));
            await link.ExpectAsync(HandBuiltMessage.ListRefs);
            await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody([new("config/remotes", head), new("heads/main", head)]));
        });
        using var victim = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote().FetchAsync(SyncStore.Of(victim)));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.Contains("advertised config/remotes", e.Message, StringComparison.Ordinal);
        Assert.Empty(victim.Refs.List());
        Assert.Equal(0, ((MemoryObjectStore)victim.Objects.Store).Count);
    }

    [Theory]
    [InlineData("empty stream")]
    [InlineData("repeated stream")]
    public async Task Streams_that_would_never_end_are_refused(string how)
    {
        using var source = SyncFixture.CounterRepository();
        source.Main.Set(StorePath.Parse("a"), 1);
        var head = source.Main.HeadHash!.Value;
        var value = source.Objects.WriteContents(source.Encode(5L));
        await using var peer = new ScriptedPeer(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(NativeSchema.Instance.Name, CounterContents.Instance.Name, ["stream"]));
            await link.ExpectAsync(HandBuiltMessage.ListRefs);
            await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody([new("heads/main", head)]));
            await link.ExpectAsync(HandBuiltMessage.Fetch);

            // Streaming is allowed once an offer was needed whole.
            await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody([value]));
            await link.ExpectAsync(HandBuiltMessage.Need);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([source.Objects.ReadRaw(value)]));
            for (var round = 0; round < 3; round++)
            {
                await link.SendAsync(StreamType, HandBuiltMessage.ObjectsBody(how == "empty stream" ? [] : [source.Objects.ReadRaw(value)]));
            }
        });
        using var victim = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote().FetchAsync(SyncStore.Of(victim)));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.Contains(how == "empty stream" ? "an empty stream message" : $"sent {value} twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("repeated")]
    public async Task Offers_that_would_never_end_are_refused(string how)
    {
        using var source = SyncFixture.CounterRepository();
        source.Main.Set(StorePath.Parse("a"), 1);
        var head = source.Main.HeadHash!.Value;
        var value = source.Objects.WriteContents(source.Encode(5L));
        await using var peer = new ScriptedPeer(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(NativeSchema.Instance.Name, CounterContents.Instance.Name));
            await link.ExpectAsync(HandBuiltMessage.ListRefs);
            await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody([new("heads/main", head)]));
            await link.ExpectAsync(HandBuiltMessage.Fetch);
            for (var round = 0; round < 3; round++)
            {
                await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(how == "empty" ? [] : [value]));
                var need = await link.ExpectAsync(HandBuiltMessage.Need);
                if (how == "repeated" && round == 0)
                {
                    await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([source.Objects.ReadRaw(value)]));
                }
            }
        });
        using var victim = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote().FetchAsync(SyncStore.Of(victim)));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.Contains(how == "empty" ? "an empty offer" : $"offered {value} twice", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Serves <paramref name="hostile"/> with its branch at <paramref name="commit"/>; a fetch from it must be refused and store nothing.</summary>
    private static async Task<SyncException> FetchFromAsync(Repository<long> hostile, Hash commit)
    {
        await using var fx = new SyncFixture();
        hostile.Refs.CompareAndSwap("heads/main", null, commit, out _);
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(hostile)));
        using var victim = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(victim)));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.False(victim.Refs.TryRead("remotes/origin/main", out _));
        ObjectGraph.Reachable(victim.Objects, victim.Refs.List().Select(r => r.Value));
        return e;
    }
}
