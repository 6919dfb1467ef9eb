namespace IrminSharp.Store;

/// <summary>Who made a commit, when, and why.</summary>
/// <param name="Author">The author, free text such as "alice &lt;alice@example.org&gt;".</param>
/// <param name="Message">The commit message.</param>
/// <param name="Timestamp">Seconds since the Unix epoch.</param>
public sealed record CommitInfo(string Author, string Message, long Timestamp)
{
    /// <summary>The timestamp as a date.</summary>
    public DateTimeOffset Date => DateTimeOffset.FromUnixTimeSeconds(Timestamp);

    /// <summary>Info stamped with the current time.</summary>
    public static CommitInfo Now(string author, string message) =>
        new(author, message, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
