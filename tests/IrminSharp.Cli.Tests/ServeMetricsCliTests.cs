using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary><c>irmin serve --metrics</c>: the server's instruments in the Prometheus text format over HTTP.</summary>
public sealed partial class ServeMetricsCliTests : IDisposable
{
    private static readonly TimeSpan MetricsWait = TimeSpan.FromSeconds(20);
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-serve-metrics-").FullName;
    private Process? server;

    public void Dispose()
    {
        if (server is not null)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }

            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Serve_WithMetrics_ExposesConnectionsTransfersAndBytesAfterAClone()
    {
        var hub = Directory.CreateDirectory(Path.Combine(dir, "hub")).FullName;
        Ok(hub, "init", "--contents", "counter");
        Ok(hub, "set", "hits", "41");
        server = Irmin.Start(hub, "serve", "--insecure-loopback", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--max-connections", "2000");
        var (url, metrics) = ReadAddresses(server);
        _ = server.StandardError.ReadToEndAsync();

        Ok(dir, "clone", url, "device", "--insecure-loopback");
        Assert.Equal("41", Ok(Path.Combine(dir, "device"), "get", "hits").Out.Trim());

        // The server records a connection's bytes when it has closed, a moment after the clone returns.
        using var http = new HttpClient();
        var text = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MetricsWait)
        {
            text = await http.GetStringAsync(metrics);
            if (Value(text, "irminsharp_sync_connections_accepted") >= 2 && Value(text, "irminsharp_sync_connections") == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        // A clone is two connections: one learns the store's schema and content type, one fetches.
        Assert.True(Value(text, "irminsharp_sync_connections_accepted") == 2, text);
        Assert.True(Value(text, "irminsharp_sync_connections") == 0, text);
        Assert.True(Value(text, "irminsharp_sync_transfers{kind=\"fetch\"}") == 1, text);
        Assert.True(Value(text, "irminsharp_sync_bytes_sent") > 100, text);
        Assert.True(Value(text, "irminsharp_sync_bytes_received") > 10, text);
        Assert.Contains("# TYPE irminsharp_sync_connections gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE irminsharp_sync_transfers gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_RefusesAMalformedMetricsAddressAndAZeroConnectionLimit()
    {
        var hub = Directory.CreateDirectory(Path.Combine(dir, "hub")).FullName;
        Ok(hub, "init", "--contents", "counter");
        var badAddress = Irmin.Run(hub, "serve", "--insecure-loopback", "--listen", "127.0.0.1:0", "--metrics", "localhost");
        Assert.True(badAddress.ExitCode == 2, badAddress.Error);
        Assert.Contains("--metrics 'localhost' is not an address and port", badAddress.Error, StringComparison.Ordinal);
        var zero = Irmin.Run(hub, "serve", "--insecure-loopback", "--listen", "127.0.0.1:0", "--max-connections", "0");
        Assert.True(zero.ExitCode != 0, zero.Error);
        Assert.Contains("--max-connections takes a positive whole number", zero.Error, StringComparison.Ordinal);
    }

    /// <summary>The value of the sample <paramref name="sample"/> (name and labels as printed), or -1 if absent.</summary>
    private static double Value(string text, string sample)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static (string Url, Uri Metrics) ReadAddresses(Process serve)
    {
        string? url = null;
        while (serve.StandardOutput.ReadLine() is { } line)
        {
            if (ServingLine().Match(line) is { Success: true } serving)
            {
                url = serving.Groups[1].Value;
            }
            else if (line.StartsWith("metrics at ", StringComparison.Ordinal))
            {
                return (url ?? throw new InvalidOperationException("no serving line before: " + line), new Uri(line["metrics at ".Length..]));
            }
        }

        throw new InvalidOperationException("irmin serve exited without a metrics line: " + serve.StandardError.ReadToEnd());
    }

    private static Irmin.Result Ok(string workingDirectory, params string[] args)
    {
        var result = Irmin.Run(workingDirectory, args);
        Assert.True(result.ExitCode == 0, $"irmin {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    [GeneratedRegex(@"as (irmin://127\.0\.0\.1:\d+/default)")]
    private static partial Regex ServingLine();
}
