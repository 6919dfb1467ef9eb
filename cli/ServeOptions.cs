using System.CommandLine;
using System.Globalization;

namespace IrminSharp.Cli;

/// <summary><c>serve</c>'s options for running a hub: <c>--metrics</c> and <c>--max-connections</c>.</summary>
internal static class ServeOptions
{
    /// <summary>The default of <c>--max-connections</c>, as <see cref="IrminSharp.Sync.SyncServerOptions.MaxConnections"/>.</summary>
    public const int DefaultMaxConnections = 256;

    /// <summary>Adds <c>--metrics</c> and <c>--max-connections</c> to <paramref name="serve"/>.</summary>
    public static (Option<string?> Metrics, Option<int> MaxConnections) AddTo(Command serve)
    {
        var metrics = new Option<string?>("--metrics")
        {
            Description = "Serve the server's metrics in the Prometheus text format at http://HOST:PORT/metrics (port 0 for a free one)",
        };
        var maxConnections = new Option<int>("--max-connections")
        {
            Description = "The most connections served at once; more are closed at once (a hub of 1,000 devices needs more than the default)",
            DefaultValueFactory = _ => DefaultMaxConnections,
        };
        maxConnections.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-connections takes a positive whole number");
            }
        });
        serve.Options.Add(metrics);
        serve.Options.Add(maxConnections);
        return (metrics, maxConnections);
    }

    /// <summary>Starts the metrics endpoint if <c>--metrics</c> was given; null otherwise.</summary>
    public static MetricsEndpoint? StartMetrics(ParseResult result, Option<string?> metrics) =>
        result.GetValue(metrics) is { } text ? MetricsEndpoint.Start(MetricsEndpoint.Parse(text)) : null;

    /// <summary>Says where the metrics are served, if they are.</summary>
    public static void PrintMetrics(MetricsEndpoint? endpoint)
    {
        if (endpoint is not null)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"metrics at {endpoint.Address}"));
        }
    }
}
