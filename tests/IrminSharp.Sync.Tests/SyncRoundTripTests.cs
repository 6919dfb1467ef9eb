using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

public sealed class SyncRoundTripTests
{
    private static CommitInfo Info(string message) => CommitInfo.Now("test", message);

    [Fact]
    public async Task Fetch_copies_every_branch_and_pull_fast_forwards()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("a/b"), 3);
        server.Main.Set(StorePath.Parse("c"), 4);
        server.CreateBranch("dev", server.Main.HeadHash!.Value);
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server)));

        using var client = SyncFixture.CounterRepository();
        var pulled = await remote.PullAsync(client, "main", Info("pull"));

        Assert.Equal(server.Main.HeadHash, pulled.New);
        Assert.Equal(3, client.Main.Get(StorePath.Parse("a/b")));
        Assert.True(client.Refs.TryRead("remotes/origin/dev", out var dev));
        Assert.Equal(server.Main.HeadHash, dev);
        Assert.True(pulled.Fetch.Received.Objects >= 5);
    }

    [Fact]
    public async Task Pull_merges_counters_edited_on_both_sides_and_push_sends_the_merge()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("hits"), 10);
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server)));
        using var client = SyncFixture.CounterRepository();
        await remote.PullAsync(client, "main", Info("clone"));

        server.Main.Set(StorePath.Parse("hits"), 15); // +5 on the server
        client.Main.Set(StorePath.Parse("hits"), 13); // +3 on the device

        var ex = await Assert.ThrowsAsync<SyncException>(() => remote.PushAsync(SyncStore.Of(client), "main"));
        Assert.Equal(SyncErrorKind.Diverged, ex.Kind);
        Assert.Contains("fetch and merge first", ex.Message, StringComparison.Ordinal);

        await remote.PullAsync(client, "main", Info("merge"));
        Assert.Equal(18, client.Main.Get(StorePath.Parse("hits")));
        var pushed = await remote.PushAsync(SyncStore.Of(client), "main");
        Assert.False(pushed.UpToDate);
        Assert.Equal(client.Main.HeadHash, server.Main.HeadHash);
        Assert.Equal(18, server.Main.Get(StorePath.Parse("hits")));
    }

    [Fact]
    public async Task Clone_creates_every_branch_and_refuses_a_store_that_has_branches()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("a"), 1);
        server.CreateBranch("dev", server.Main.HeadHash!.Value);
        server.Branch("dev").Set(StorePath.Parse("b"), 2);
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server)));

        using var copy = SyncFixture.CounterRepository();
        await remote.CloneAsync(SyncStore.Of(copy));
        Assert.Equal(server.Branches(), copy.Branches());
        Assert.Equal(server.Branch("dev").HeadHash, copy.Branch("dev").HeadHash);
        Assert.Equal(2, copy.Branch("dev").Get(StorePath.Parse("b")));

        await Assert.ThrowsAsync<ArgumentException>(() => remote.CloneAsync(SyncStore.Of(copy)));
    }
}
