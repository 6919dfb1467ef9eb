using System.Diagnostics;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Many devices pushing to one branch of one server at once, each merging and retrying when it
/// loses the race: no increment and no commit may be lost.
/// </summary>
public sealed class ConcurrentPushTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int Rounds = 50;

    [Fact]
    public async Task Eight_clients_pushing_fifty_increments_each_at_once_lose_no_increment_and_no_commit()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(CounterPusher.Total, 0, CommitInfo.Now("server", "start"));
        var identities = Enumerable.Range(0, Clients).Select(i => fx.Identity($"pusher{i}")).ToArray();
        var endPoint = fx.Serve(SyncStore.Of(server), limits: null, identities);
        var pushers = identities.Select((identity, i) => new CounterPusher(i, fx.RemoteTo(endPoint, identity))).ToArray();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(pushers.Select(p => Task.Run(() => p.RunAsync(Rounds, deadline.Token))));
            clock.Stop();

            var head = server.Main.HeadHash!.Value;
            var reachable = server.Log(head).Select(c => c.Hash).ToHashSet();
            var behind = pushers.Sum(p => p.BehindRefusals);
            var races = pushers.Sum(p => p.RaceRefusals);
            output.WriteLine($"{Clients} clients × {Rounds} rounds in {clock.Elapsed.TotalSeconds:0.0} s: {pushers.Sum(p => p.PushAttempts)} push attempts, "
                + $"{behind + races} diverged retries ({behind} refused by the client's own check, {races} lost the compare-and-swap on the server); "
                + $"{reachable.Count} commits reachable from the server's main");
            foreach (var p in pushers)
            {
                output.WriteLine($"  client{p.Number}: {p.PushAttempts} attempts, {p.BehindRefusals} behind, {p.RaceRefusals} races");
            }

            Assert.Equal(Clients * Rounds, server.Main.Get(CounterPusher.Total));
            foreach (var p in pushers)
            {
                Assert.Equal(Rounds, server.Main.Get(p.Own));
                Assert.Equal(Rounds, p.Commits.Count);
                var lost = p.Commits.Where(c => !reachable.Contains(c)).ToList();
                Assert.True(lost.Count == 0, $"client{p.Number}: {lost.Count} pushed commits are not reachable from the server's main, first {(lost.Count > 0 ? lost[0] : default)}");

                // Its last push landed, so the device's head is in the server's history.
                Assert.Contains(p.Repository.Main.HeadHash!.Value, reachable);
            }

            var roundMessages = server.Log(head).Select(c => c.Info.Message).Where(m => m.Contains(" round ", StringComparison.Ordinal) && !m.Contains(" merge ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Clients * Rounds, roundMessages.Count);
            Assert.Equal(Clients * Rounds, roundMessages.Distinct(StringComparer.Ordinal).Count());

            Assert.True(behind + races > 0, "no push was ever refused as diverged: the test did not exercise the race");
            Assert.True(races > 0, "no push lost the compare-and-swap on the server: the server's check was not exercised");
        }
        finally
        {
            foreach (var p in pushers)
            {
                p.Dispose();
            }
        }
    }
}
