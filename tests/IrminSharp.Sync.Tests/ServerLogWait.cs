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

    /// <summary>Every line of <paramref name="log"/> so far, for failure messages.</summary>
    public static string All(List<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        lock (log)
        {
            return string.Join('\n', log);
        }
    }
}
