using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A TCP relay on 127.0.0.1 that forwards to a target and cuts the link after a byte budget:
/// once <see cref="Budget"/> bytes have passed in total, counting both directions, it forwards
/// nothing more and shuts down both sockets (a FIN after the last byte allowed). The budget
/// belongs to the proxy, not to a connection: after the cut, new connections are closed at once.
/// With <see cref="long.MaxValue"/> it never cuts and <see cref="BytesForwarded"/> measures a
/// whole exchange.
/// </summary>
/// <remarks>
/// The budget is shared by the two directions under a lock, so exactly <see cref="Budget"/>
/// bytes are written before the cut (the split between directions depends on the protocol, which
/// is request/answer, so a cut position means the same moment of the exchange from run to run).
/// The bytes counted are TCP payload: TLS records, framing and all.
/// </remarks>
public sealed class CuttingProxy : IAsyncDisposable
{
    private const int ChunkBytes = 16 * 1024;
    private readonly TcpListener listener;
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> links = [];
    private readonly List<Socket> sockets = [];
    private readonly Lock gate = new();
    private readonly Task accepting;
    private long forwarded;
    private bool cut;

    public CuttingProxy(IPEndPoint target, long budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        this.target = target;
        Budget = budget;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        accepting = AcceptAsync();
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>How many bytes, both directions together, pass before the cut.</summary>
    public long Budget { get; }

    /// <summary>Bytes forwarded so far, both directions together.</summary>
    public long BytesForwarded
    {
        get
        {
            lock (gate)
            {
                return forwarded;
            }
        }
    }

    /// <summary>Whether the budget ran out and the link was cut.</summary>
    public bool WasCut
    {
        get
        {
            lock (gate)
            {
                return cut;
            }
        }
    }

    /// <summary>Waits until every relayed connection has ended (both directions closed).</summary>
    public async Task WaitForLinksAsync(TimeSpan timeout)
    {
        Task[] current;
        lock (gate)
        {
            current = [.. links];
        }

        await Task.WhenAll(current).WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        CloseAll();
        Task[] current;
        lock (gate)
        {
            current = [.. links];
        }

        await Task.WhenAll(current).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (gate)
            {
                sockets.Add(client);
                if (cut)
                {
                    Close(client);
                    continue;
                }

                links.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        lock (gate)
        {
            sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(target, stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Close(client);
            Close(server);
            return;
        }

        client.NoDelay = true;
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        Close(client);
        Close(server);
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> within the budget; passes a half-close on.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                int allowed;
                bool exhausted;
                lock (gate)
                {
                    allowed = (int)Math.Min(n, Budget - forwarded);
                    forwarded += allowed;
                    exhausted = forwarded == Budget;
                }

                var sent = 0;
                while (sent < allowed)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, allowed - sent), SocketFlags.None, stopping.Token);
                }

                if (exhausted)
                {
                    Cut();
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The other pump cut the link, or a peer reset it: either way this direction is over.
            Cut();
        }
    }

    private void Cut()
    {
        lock (gate)
        {
            cut = cut || forwarded == Budget;
        }

        CloseAll();
    }

    private void CloseAll()
    {
        Socket[] all;
        lock (gate)
        {
            all = [.. sockets];
        }

        foreach (var socket in all)
        {
            Close(socket);
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed or never connected.
        }

        socket.Dispose();
    }
}
