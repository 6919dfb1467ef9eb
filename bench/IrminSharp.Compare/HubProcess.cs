using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace IrminSharp.Compare;

/// <summary>
/// <c>irmin serve</c> running as its own process: its URL, its metrics address, its memory
/// (VmRSS and VmHWM from /proc/PID/status) and the last lines of its log.
/// </summary>
internal sealed partial class HubProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Queue<string> lastLog = new();
    private readonly Task logReader;

    private HubProcess(Process process, string url, Uri? metrics)
    {
        this.process = process;
        Url = url;
        Metrics = metrics;
        logReader = ReadLogAsync();
    }

    /// <summary>irmin://127.0.0.1:PORT/default.</summary>
    public string Url { get; }

    /// <summary>Where its Prometheus metrics are, if served.</summary>
    public Uri? Metrics { get; }

    /// <summary>Lines the server logged (refusals, errors) so far.</summary>
    public int LogLines { get; private set; }

    /// <summary>Starts <c>irmin serve ARGS</c> in <paramref name="store"/> and waits for its serving (and metrics) lines.</summary>
    public static HubProcess Start(IrminCommand irmin, string store, IReadOnlyList<string> args)
    {
        var process = irmin.Start(store, ["serve", .. args]);
        string? url = null;
        Uri? metrics = null;
        var wantsMetrics = args.Contains("--metrics");
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (ServingLine().Match(line) is { Success: true } serving)
            {
                url = serving.Groups[1].Value;
            }
            else if (line.StartsWith("metrics at ", StringComparison.Ordinal))
            {
                metrics = new Uri(line["metrics at ".Length..]);
            }

            if (url is not null && (metrics is not null || !wantsMetrics) && line.StartsWith(wantsMetrics ? "metrics at " : "server fingerprint", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return new HubProcess(process, url, metrics);
            }
        }

        var error = process.StandardError.ReadToEnd();
        process.Dispose();
        throw new InvalidOperationException("irmin serve did not start: " + error);
    }

    /// <summary>VmRSS and VmHWM (peak) of the hub process, in bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }

        return (rss, peak);
    }

    /// <summary>The last <paramref name="count"/> lines of the server's log.</summary>
    public IReadOnlyList<string> LastLog(int count)
    {
        lock (lastLog)
        {
            return [.. lastLog.TakeLast(count)];
        }
    }

    /// <summary>The sync samples (<c>irminsharp_sync_</c>) of its /metrics page, or nothing without metrics.</summary>
    public async Task<IReadOnlyList<string>> SyncMetricsAsync()
    {
        if (Metrics is null)
        {
            return [];
        }

        using var http = new HttpClient();
        var text = await http.GetStringAsync(Metrics);
        return [.. text.Split('\n').Where(l => l.StartsWith("irminsharp_sync_", StringComparison.Ordinal))];
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await logReader;
        process.Dispose();
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private async Task ReadLogAsync()
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            lock (lastLog)
            {
                LogLines++;
                lastLog.Enqueue(line);
                if (lastLog.Count > 200)
                {
                    lastLog.Dequeue();
                }
            }
        }
    }

    [GeneratedRegex(@"as (irmin://[^ ]+/default)$")]
    private static partial Regex ServingLine();
}
