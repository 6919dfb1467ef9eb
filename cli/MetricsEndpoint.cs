using System.Net;
using System.Net.Sockets;
using IrminSharp.Sync;
using Prometheus;

namespace IrminSharp.Cli;

/// <summary>
/// <c>serve --metrics HOST:PORT</c>: the sync server's instruments (<see cref="SyncMetrics"/>) in
/// the Prometheus text format at <c>http://HOST:PORT/metrics</c>, through prometheus-net (its
/// MeterAdapter reads the meter, its MetricServer answers over HttpListener). Only the sync meter
/// is published: no process or runtime metrics. The adapter shows every instrument as a gauge named
/// after the meter and the instrument (<c>irminsharp_sync_transfers</c>), counters included: it
/// cannot tell a counter that restarted from one that went down.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    /// <summary>
    /// How long a series with no new measurement is kept: the adapter forgets one after this (it
    /// cannot know whether an instrument still exists), a day at most. A rare error kind unseen
    /// for a day disappears from the page and comes back from 0.
    /// </summary>
    private static readonly TimeSpan MetricsKept = TimeSpan.FromDays(1);

    private readonly IDisposable adapter;
    private readonly MetricServer server;

    private MetricsEndpoint(IDisposable adapter, MetricServer server, Uri address)
    {
        this.adapter = adapter;
        this.server = server;
        Address = address;
    }

    /// <summary>Where the metrics are served, such as http://127.0.0.1:9464/metrics.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving on <paramref name="endPoint"/>; port 0 takes a free port.</summary>
    public static MetricsEndpoint Start(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var port = endPoint.Port == 0 ? FreePort(endPoint.Address) : endPoint.Port;
        var host = endPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        var registry = Metrics.NewCustomRegistry();
        var adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = Metrics.WithCustomRegistry(registry), // else the adapter writes to the default registry
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == SyncMetrics.MeterName,
            MetricsExpireAfter = MetricsKept,
        });
        var server = new MetricServer(host, port, "metrics/", registry);
        try
        {
            server.Start();
        }
        catch (HttpListenerException e)
        {
            adapter.Dispose();
            server.Dispose();
            throw new ArgumentException($"--metrics cannot listen on {host}:{port}: {e.Message}", e);
        }

        return new MetricsEndpoint(adapter, server, new Uri($"http://{host}:{port}/metrics"));
    }

    /// <summary>Parses HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464.</summary>
    public static IPEndPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPEndPoint.TryParse(text, out var endPoint) && (text.Contains("]:", StringComparison.Ordinal) || text.Count(c => c == ':') == 1))
        {
            return endPoint;
        }

        throw new ArgumentException($"--metrics '{text}' is not an address and port such as 127.0.0.1:9464 (port 0 for a free one)");
    }

    /// <summary>Stops serving and listening to the meter.</summary>
    public void Dispose()
    {
        server.Dispose();
        adapter.Dispose();
    }

    /// <summary>
    /// A port free now on <paramref name="address"/>: HttpListener cannot be asked for port 0. Another
    /// process could take it before the listener does; then starting fails with a clear error.
    /// </summary>
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
