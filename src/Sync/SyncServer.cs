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
    private readonly HandshakeAdmission admission;
    private readonly ConcurrentDictionary<string, int> sessionsByClient = new(StringComparer.Ordinal);
    private int sessionsHeld; // past their handshake, or in it (MaxConnections)
    private int busyAnswering;
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
        admission = new HandshakeAdmission(
            options.MaxConcurrentHandshakes, options.MaxQueuedHandshakes, options.MaxHandshakesPerAddress ?? options.MaxConcurrentHandshakes / 2);
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

            // Accepted: not yet known to be allowed, so it holds no session slot, only a place in
            // the handshake queue (docs/protocol/sync.md, "Admission and busy").
            if (Volatile.Read(ref sessionsHeld) >= options.MaxConnections)
            {
                AnswerBusy(client, $"already serving {options.MaxConnections} connections", cancellationToken);
                continue;
            }

            if (!admission.TryEnter())
            {
                AnswerBusy(client, $"{options.MaxQueuedHandshakes} connections already wait for a handshake", cancellationToken);
                continue;
            }

            SyncMetrics.HandshakeQueued();
            var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            Track(Task.Run(() => ServeAsync(client, address, cancellationToken), CancellationToken.None));
        }
    }

    private void Track(Task session)
    {
        sessions.TryAdd(session, 0);
        _ = session.ContinueWith(t => sessions.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Answers busy instead of a handshake and closes (the one place where connections are turned away busy).</summary>
    private void AnswerBusy(TcpClient client, string reason, CancellationToken cancellationToken)
    {
        var retryAfter = BusyRetryAfter();
        SyncMetrics.BusyAnswered();
        if (Interlocked.Increment(ref busyAnswering) > options.MaxBusyAnswers)
        {
            // A flood: answering costs a socket for a second, closing costs nothing.
            Interlocked.Decrement(ref busyAnswering);
            options.Log?.Invoke($"closed {client.Client.RemoteEndPoint}: {reason}; {options.MaxBusyAnswers} busy answers already being written");
            client.Dispose();
            return;
        }

        options.Log?.Invoke($"busy {client.Client.RemoteEndPoint}: {reason}; retry after {retryAfter.TotalMilliseconds:0} ms");
        var socket = client.Client;
        Track(Task.Run(
            async () =>
            {
                try
                {
                    await BusyAnswer.SendAndCloseAsync(socket, retryAfter, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref busyAnswering);
                }
            },
            CancellationToken.None));
    }

    /// <summary>The retry delay of a busy answer: longer as more connections queue, so that clients spread out.</summary>
    private TimeSpan BusyRetryAfter()
    {
        var rounds = 1 + (admission.Queued / Math.Max(1, options.MaxConcurrentHandshakes));
        var delay = options.BusyRetryAfter * rounds;
        return delay < options.MaxBusyRetryAfter ? delay : options.MaxBusyRetryAfter;
    }

    /// <summary>
    /// Waits, within the queue deadline, for the connection's first bytes (a client speaks first:
    /// its TLS hello, or its hello frame) and then for a handshake slot: true once one is held.
    /// Null when the client hung up: nothing to answer.
    /// </summary>
    private async Task<bool?> WaitForHandshakeAsync(TcpClient client, IPAddress address, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.HandshakeQueueTimeout);
        try
        {
            // A peek costs a byte, not buffers: silent connections wait here, holding no slot, as
            // long as a peer may stay silent when it should speak (the handshake or idle timeout).
            using (var silence = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
            {
                var limit = options.InsecureLoopback ? options.Limits.IdleTimeout : options.Limits.HandshakeTimeout;
                silence.CancelAfter(limit);
                try
                {
                    if (await client.Client.ReceiveAsync(new byte[1], SocketFlags.Peek, silence.Token).ConfigureAwait(false) == 0)
                    {
                        return null;
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    options.Log?.Invoke($"dropped {client.Client.RemoteEndPoint}: sent nothing in {limit.TotalSeconds:0.#} s");
                    return null;
                }
            }

            return await admission.WaitForSlotAsync(address, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return null;
        }
        finally
        {
            admission.Leave();
        }
    }

    private async Task ServeAsync(TcpClient client, IPAddress address, CancellationToken cancellationToken)
    {
        var admitted = await WaitForHandshakeAsync(client, address, cancellationToken).ConfigureAwait(false);
        if (admitted != true)
        {
            if (admitted is null || cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
            }
            else
            {
                AnswerBusy(client, $"no handshake started in {options.HandshakeQueueTimeout.TotalSeconds:0.#} s", cancellationToken);
            }

            return;
        }

        if (Interlocked.Increment(ref sessionsHeld) > options.MaxConnections)
        {
            Interlocked.Decrement(ref sessionsHeld);
            admission.Release(address);
            AnswerBusy(client, $"already serving {options.MaxConnections} connections", cancellationToken);
            return;
        }

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
                    admission.Release(address);
                }

                if (connection is null)
                {
                    SyncMetrics.ConnectionRefused("handshake");
                    return;
                }

                if (!TryHoldClientSession(connection.ClientFingerprint))
                {
                    options.Log?.Invoke($"busy {connection.Peer}: this certificate holds {options.MaxSessionsPerClient} sessions already");
                    SyncMetrics.BusyAnswered();
                    await ServerSession.TryRefuseAsync(connection, SyncErrorKind.Busy, $"this certificate already holds {options.MaxSessionsPerClient} sessions here; retry when one has ended", cancellationToken).ConfigureAwait(false);
                    return;
                }

                try
                {
                    // However the client paces its requests, a session ends within its time limit.
                    using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    lifetime.CancelAfter(options.MaxSessionDuration);
                    try
                    {
                        await new ServerSession(connection, stores, options, authorization).RunAsync(lifetime.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        options.Log?.Invoke($"{connection.Peer}: closed: the session lasted {options.MaxSessionDuration.TotalSeconds:0.#} s, its time limit");
                    }
                }
                finally
                {
                    ReleaseClientSession(connection.ClientFingerprint);
                }
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

                Interlocked.Decrement(ref sessionsHeld);
            }
        }
    }

    private bool TryHoldClientSession(string? fingerprint)
    {
        if (fingerprint is null)
        {
            return true; // plain TCP on loopback: no certificates to tell clients apart
        }

        if (sessionsByClient.AddOrUpdate(fingerprint, 1, static (_, n) => n + 1) <= options.MaxSessionsPerClient)
        {
            return true;
        }

        ReleaseClientSession(fingerprint);
        return false;
    }

    private void ReleaseClientSession(string? fingerprint)
    {
        while (fingerprint is not null && sessionsByClient.TryGetValue(fingerprint, out var n))
        {
            if (n <= 1 ? sessionsByClient.TryRemove(new KeyValuePair<string, int>(fingerprint, n)) : sessionsByClient.TryUpdate(fingerprint, n - 1, n))
            {
                return;
            }
        }
    }
}
