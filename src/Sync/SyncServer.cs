using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Sync;

/// <summary>
/// Serves stores by name to many clients at once: list refs, fetch and push, over TLS 1.3 with
/// client certificates on an allow list (or plain TCP on loopback when asked for).
/// </summary>
public sealed class SyncServer : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, SyncStore> stores;
    private readonly SyncServerOptions options;
    private readonly SyncAuthorization authorization;
    private readonly HashSet<string> allowed;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Task, byte> sessions = new();
    private readonly ConcurrentDictionary<IPAddress, int> handshaking = new();
    private TcpListener? listener;
    private Task? accepting;

    /// <summary>A server for <paramref name="stores"/>, by the names clients ask for.</summary>
    public SyncServer(IReadOnlyDictionary<string, SyncStore> stores, SyncServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(options);
        if (stores.Count == 0)
        {
            throw new ArgumentException("a server needs at least one store", nameof(stores));
        }

        if (!options.InsecureLoopback && options.Identity is null)
        {
            throw new ArgumentException("a server identity (certificate) is required for TLS", nameof(options));
        }

        this.stores = stores;

        // Log lines carry what clients sent (store and ref names, messages): escaped, so that no
        // client can write control sequences into the server's terminal or forge a log line.
        this.options = options.Log is { } log ? options with { Log = line => log(PrintableText.Escape(line)) } : options;
        authorization = SyncAuthorization.Of(options);
        allowed = authorization.Clients.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The address the server listens on, once started (with the port chosen when 0 was asked).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Binds <paramref name="listen"/> and starts accepting clients.</summary>
    public IPEndPoint Start(IPEndPoint listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (options.InsecureLoopback && !IPAddress.IsLoopback(listen.Address))
        {
            throw new ArgumentException($"--insecure-loopback is refused on {listen}: plain TCP may listen only on a loopback address");
        }

        listener = new TcpListener(listen);
        try
        {
            listener.Start(backlog: 128);
        }
        catch (SocketException e)
        {
            throw new SyncException(SyncErrorKind.Unreachable, $"cannot listen on {listen}: {e.Message}", e);
        }

        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        accepting = AcceptLoopAsync(stopping.Token);
        return EndPoint;
    }

    /// <summary>
    /// Completes when every session open now has ended: its connection closed and what it had
    /// received was applied. Sessions that start later are not waited for.
    /// </summary>
    public Task WaitForSessionsAsync() => Task.WhenAll(sessions.Keys);

    /// <summary>Stops accepting, drops every connection and waits for the sessions to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener?.Stop();
        if (accepting is not null)
        {
            await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(sessions.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener!.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (sessions.Count >= options.MaxConnections)
            {
                options.Log?.Invoke($"refused {client.Client.RemoteEndPoint}: already serving {options.MaxConnections} connections");
                SyncMetrics.ConnectionRefused("capacity");
                client.Dispose();
                continue;
            }

            // Connections still in their handshake are not yet known to be allowed: a few per
            // address, so one host cannot hold every slot with handshakes it never finishes.
            var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (handshaking.AddOrUpdate(address, 1, static (_, n) => n + 1) > options.MaxHandshakesPerAddress)
            {
                Release(address);
                options.Log?.Invoke($"refused {client.Client.RemoteEndPoint}: {options.MaxHandshakesPerAddress} handshakes from {address} already under way");
                SyncMetrics.ConnectionRefused("handshakes");
                client.Dispose();
                continue;
            }

            var session = Task.Run(() => ServeAsync(client, address, cancellationToken), CancellationToken.None);
            sessions.TryAdd(session, 0);
            _ = session.ContinueWith(t => sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, IPAddress address, CancellationToken cancellationToken)
    {
        using (client)
        {
            SyncMetrics.ConnectionOpened();
            SyncConnection? connection = null;
            try
            {
                try
                {
                    connection = await SyncTransport.AcceptAsync(client, options, allowed, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Release(address);
                }

                if (connection is null)
                {
                    SyncMetrics.ConnectionRefused("handshake");
                    return;
                }

                await new ServerSession(connection, stores, options, authorization).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                options.Log?.Invoke($"{connection?.Peer ?? client.Client.RemoteEndPoint?.ToString()}: {e.Message}");
            }
            finally
            {
                SyncMetrics.ConnectionClosed(connection);
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private void Release(IPAddress address)
    {
        while (handshaking.TryGetValue(address, out var n))
        {
            if (n <= 1 ? handshaking.TryRemove(new KeyValuePair<IPAddress, int>(address, n)) : handshaking.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }
}
