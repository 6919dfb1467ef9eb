using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>Cancelling a transfer part way: the caller sees cancellation, the store stays whole, a retry finishes.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task A_fetch_cancelled_after_its_first_objects_keeps_them_and_a_retry_fetches_the_rest()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        for (var commit = 0; commit < 10; commit++)
        {
            server.Main.Transact(tx =>
            {
                for (var i = 0; i < 300; i++)
                {
                    tx.Set(StorePath.Parse($"d{commit}/k{i}"), i + commit);
                }
            });
        }

        // Small offers, so the transfer takes many rounds and the cancellation lands inside it.
        var limits = SyncLimits.Default with { MaxOfferHashes = 64 };
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server), limits), limits: limits);
        using var client = SyncFixture.CounterRepository();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Objects >= 100)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => remote.FetchAsync(SyncStore.Of(client), progress, cancel.Token));
        Assert.False(client.Refs.TryRead("remotes/origin/main", out _));
        var kept = ((IrminSharp.Backends.Memory.MemoryObjectStore)client.Objects.Store).Count;
        Assert.InRange(kept, 100, 3_000);

        var retry = await remote.FetchAsync(SyncStore.Of(client));
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main));
        Assert.Equal(server.Main.HeadHash, main);
        Assert.Equal(ObjectGraph.Reachable(server.Objects, [main]).Count, kept + retry.Received.Objects);
    }

    /// <summary>Reports on the caller's thread, so the cancellation happens at a known point.</summary>
    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
