using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// With the stream capability, once a whole batch of offered hashes is needed, the rest of the
/// transfer goes unoffered: a clone pays for its objects, not 32 more bytes each for offers.
/// </summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task A_fetch_into_an_empty_store_stops_offering_after_the_first_batch()
    {
        await using var fx = new SyncFixture();
        // Random values: objects that do not compress, so zlib cannot hide the cost of offers.
        using var server = SyncFixture.CounterRepository();
        var random = new Random(7);
        server.Main.Transact(tx =>
        {
            for (var i = 0; i < 3_000; i++)
            {
                tx.Set(StorePath.Parse($"d{i % 30}/k{i}"), random.NextInt64());
            }
        });
        var limits = SyncLimits.Default with { MaxOfferHashes = 64 };
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server), limits), limits: limits);
        using var client = SyncFixture.CounterRepository();

        var fetched = await remote.FetchAsync(SyncStore.Of(client));

        var received = fetched.Received;
        Assert.True(received.Objects > 1_000);
        Assert.Equal(ObjectGraph.Reachable(server.Objects, [server.Main.HeadHash!.Value]).Count, received.Objects);
        var overheadPerObject = (double)(received.WireBytes - received.ObjectBytes) / received.Objects;
        Assert.True(overheadPerObject < 12, $"{overheadPerObject:F1} bytes a object beyond the objects: offers were not skipped");
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == server.Main.HeadHash);
        ObjectGraph.Reachable(client.Objects, [main]);
    }
}
