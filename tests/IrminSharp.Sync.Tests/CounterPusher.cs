using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// One device of the concurrent-push test: its own in-memory counter repository and identity. It
/// clones the server's main branch, then each round adds 1 to the shared counter <c>total</c> and
/// to its own counter <c>client{N}</c> in one commit and pushes it; when the push is refused as
/// diverged it pulls (the counter merge keeps both sides' increments) and pushes again, until the
/// push lands.
/// </summary>
public sealed class CounterPusher : IDisposable
{
    public static readonly StorePath Total = StorePath.Parse("total");

    private readonly Remote remote;

    public CounterPusher(int number, Remote remote)
    {
        Number = number;
        this.remote = remote;
        Own = StorePath.Parse($"client{number}");
    }

    public int Number { get; }

    /// <summary>This device's own counter.</summary>
    public StorePath Own { get; }

    public Repository<long> Repository { get; } = SyncFixture.CounterRepository();

    /// <summary>The commits this device made and pushed, one per round, in order.</summary>
    public List<Hash> Commits { get; } = [];

    /// <summary>Pushes refused because the device had not seen the server's head (its check before sending).</summary>
    public int BehindRefusals { get; private set; }

    /// <summary>Pushes refused by the server because another push moved the branch in the meantime.</summary>
    public int RaceRefusals { get; private set; }

    public int DivergedRefusals => BehindRefusals + RaceRefusals;

    /// <summary>Every push attempt, landed or not.</summary>
    public int PushAttempts { get; private set; }

    /// <summary>The message of the commit of round <paramref name="round"/>: unique per device and round.</summary>
    public string RoundMessage(int round) => $"client{Number} round {round}";

    public async Task RunAsync(int rounds, CancellationToken cancellationToken)
    {
        await remote.PullAsync(Repository, "main", CommitInfo.Now($"client{Number}", "clone"), cancellationToken: cancellationToken);
        for (var round = 0; round < rounds; round++)
        {
            var commit = Repository.Main.Transact(
                tx =>
                {
                    tx.Set(Total, tx.Get(Total) + 1);
                    tx.Set(Own, (tx.TryGet(Own, out var mine) ? mine : 0) + 1);
                },
                new TransactionOptions { Info = CommitInfo.Now($"client{Number}", RoundMessage(round)) })!;
            Commits.Add(commit.Hash);

            for (var merge = 0; ; merge++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PushAttempts++;
                try
                {
                    await remote.PushAsync(SyncStore.Of(Repository), "main", cancellationToken: cancellationToken);
                    break;
                }
                catch (SyncException e) when (e.Kind == SyncErrorKind.Diverged)
                {
                    // The server's own refusal arrives prefixed by the peer name and says the branch moved.
                    if (e.Message.Contains("since it was read", StringComparison.Ordinal))
                    {
                        RaceRefusals++;
                    }
                    else
                    {
                        BehindRefusals++;
                    }

                    await remote.PullAsync(
                        Repository, "main", CommitInfo.Now($"client{Number}", $"{RoundMessage(round)} merge {merge}"), cancellationToken: cancellationToken);
                }
            }
        }
    }

    public void Dispose() => Repository.Dispose();
}
