namespace IrminSharp.Store;

/// <summary>Options of a transaction.</summary>
public sealed class TransactionOptions
{
    private readonly int maxRetries = 64;

    /// <summary>The default: test-and-set with 64 retries.</summary>
    public static TransactionOptions Default { get; } = new();

    /// <summary>What to do when the head moved: rerun, merge or overwrite.</summary>
    public TransactionStrategy Strategy { get; init; } = TransactionStrategy.TestAndSet;

    /// <summary>How many times to retry before failing with <see cref="RefConflictException"/>.</summary>
    public int MaxRetries
    {
        get => maxRetries;
        init => maxRetries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Retries cannot be negative.");
    }

    /// <summary>The commit's author and message; null uses the repository's default author.</summary>
    public CommitInfo? Info { get; init; }

    /// <summary>The commit message when <see cref="Info"/> is null.</summary>
    public string Message { get; init; } = "transaction";
}
