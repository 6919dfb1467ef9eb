using IrminSharp.Store;

namespace IrminSharp.Sync.Tests;

/// <summary>Histories big enough that a transfer takes many offer and objects messages.</summary>
public static class SampleHistory
{
    /// <summary>
    /// Commits <paramref name="commits"/> times on main, numbered from <paramref name="first"/>,
    /// each adding <paramref name="entriesPerCommit"/> new counters spread over 16 directories of
    /// 7 subdirectories (distinct values, so no two contents objects coincide).
    /// </summary>
    public static void Grow(Repository<long> repository, int first, int commits, int entriesPerCommit)
    {
        for (var c = first; c < first + commits; c++)
        {
            var commit = c;
            repository.Main.Transact(
                tx =>
                {
                    for (var i = 0; i < entriesPerCommit; i++)
                    {
                        var n = (commit * entriesPerCommit) + i;
                        tx.Set(StorePath.Parse($"d{n % 16}/s{n / 16 % 7}/e{commit}-{i}"), (commit * 100_000L) + i);
                    }
                },
                new TransactionOptions { Message = $"commit {commit}" });
        }
    }
}
