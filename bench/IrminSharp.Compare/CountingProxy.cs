using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Compare;

/// <summary>
/// A TCP relay on 127.0.0.1 that counts the bytes it passes, both directions together: put
/// between a client and a server, it measures what a protocol sends on the wire. Each accepted
/// connection gets its own connection to the target; half-closes are passed on.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly IPEndPoint target;
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private long bytes;
    private int open;

    /// <summary>Starts relaying connections on a free loopback port to <paramref name="target"/>.</summary>
    public CountingProxy(IPEndPoint target)
    {
        this.target = target;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptLoopAsync();
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Bytes relayed so far, client to server and server to client.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Waits until every relayed connection has closed (both directions done), or throws after <paramref name="timeout"/>.</summary>
    public async Task WaitIdleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref open) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the proxy still relays {Volatile.Read(ref open)} connection(s) after {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
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
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            Interlocked.Increment(ref open);
            _ = RelayAsync(client);
        }
    }

    /// <summary>Connects to the target and pumps both ways until both sides have closed.</summary>
    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            client.NoDelay = true;
            await server.ConnectAsync(target, stopping.Token);
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A dropped connection ends the relay; the client sees its own error.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref open);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, counting each chunk before it is passed on; passes on the end of stream.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[BufferBytes];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stopping.Token)) > 0)
            {
                Interlocked.Add(ref bytes, n);
                var sent = 0;
                while (sent < n)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, stopping.Token);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The other side reset: stop both directions.
            to.Dispose();
            from.Dispose();
        }
    }
}
