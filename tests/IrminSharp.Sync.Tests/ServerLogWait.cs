namespace IrminSharp.Sync.Tests;

/// <summary>Waits for a line in a server log that is written from the server's own tasks.</summary>
public static class ServerLogWait
{
    /// <summary>
    /// The first line of <paramref name="log"/> (locked while read, as <see cref="SyncFixture"/>
    /// writes it) containing <paramref name="text"/>; null when none appears within <paramref name="limit"/>.
    /// </summary>
    public static async Task<string?> ForLineAsync(List<string> log, string text, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(log);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            lock (log)
            {
                if (log.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
                {
                    return found;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// How many lines of <paramref name="log"/> contain <paramref name="text"/>, once there are
    /// <paramref name="expected"/> or <paramref name="limit"/> has passed (then briefly longer, so
    /// that a line too many shows).
    /// </summary>
    public static async Task<int> CountAsync(List<string> log, string text, int expected, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(log);
        var deadline = DateTime.UtcNow + limit;
        while (Count(log, text) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(50);
        return Count(log, text);
    }

    /// <summary>Every line of <paramref name="log"/> so far, for failure messages.</summary>
    public static string All(List<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        lock (log)
        {
            return string.Join('\n', log);
        }
    }

    private static int Count(List<string> log, string text)
    {
        lock (log)
        {
            return log.Count(line => line.Contains(text, StringComparison.Ordinal));
        }
    }
}
