using System.Net;
using System.Net.Sockets;
using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>A fake server on 127.0.0.1 that answers every connection busy, with a fixed retry delay, and counts them.</summary>
public sealed class BusyListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private int connections;

    public BusyListener(TimeSpan retryAfter)
    {
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        accepting = AcceptAsync(retryAfter);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Connections answered so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync(TimeSpan retryAfter)
    {
        while (!stopping.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(stopping.Token);
            Interlocked.Increment(ref connections);
            _ = BusyAnswer.SendAndCloseAsync(socket, retryAfter, stopping.Token);
        }
    }
}
