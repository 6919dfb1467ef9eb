namespace IrminSharp.Store.Tests;

/// <summary>
/// A clock that always reads the same instant, so that commits a repository dates itself (such as
/// the virtual ancestors of a merge) hash alike on every run.
/// </summary>
public sealed class FixedClock : TimeProvider
{
    private readonly DateTimeOffset now;

    /// <summary>A clock stopped at <paramref name="now"/>.</summary>
    public FixedClock(DateTimeOffset now) => this.now = now;

    /// <summary>A clock stopped at the Unix epoch.</summary>
    public static FixedClock Epoch { get; } = new(DateTimeOffset.UnixEpoch);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => now;
}
