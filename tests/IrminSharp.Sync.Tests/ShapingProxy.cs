using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A TCP relay on 127.0.0.1 that shapes what the server sends: at most
/// <see cref="BytesPerSecond"/> (a slow link); held once <see cref="PauseAfterBytes"/> have
/// passed, until <see cref="Resume"/> (a stalled client); and, on the first connection only, the link cut
/// just before the first frame of type <see cref="CutBeforeFrame"/> (plain frames, as on
/// --insecure-loopback): the server has done its work, the client never hears of it.
/// </summary>
public sealed class ShapingProxy : IAsyncDisposable
{
    private const int ChunkBytes = 4096;
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> links = [];
    private readonly Lock gate = new();
    private readonly Task accepting;
    private int connections;
    private readonly TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long forwarded;

    public ShapingProxy(IPEndPoint target, long bytesPerSecond = long.MaxValue, byte? cutBeforeFrame = null, long pauseAfterBytes = long.MaxValue)
    {
        this.target = target;
        BytesPerSecond = bytesPerSecond;
        PauseAfterBytes = pauseAfterBytes;
        CutBeforeFrame = cutBeforeFrame;
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    public long BytesPerSecond { get; }

    public byte? CutBeforeFrame { get; }

    public long PauseAfterBytes { get; }

    /// <summary>Lets a paused link go on.</summary>
    public void Resume() => resumed.TrySetResult();

    /// <summary>Whether the first connection was cut before the frame.</summary>
    public bool WasCut { get; private set; }

    /// <summary>Bytes sent from the server to clients so far.</summary>
    public long BytesForwarded => Interlocked.Read(ref forwarded);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
            var client = await listener.AcceptSocketAsync(stopping.Token);
            var first = Interlocked.Increment(ref connections) == 1;
            lock (gate)
            {
                links.Add(RelayAsync(client, first && CutBeforeFrame is not null));
            }
        }
    }

    private async Task RelayAsync(Socket client, bool cutting)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            try
            {
                await server.ConnectAsync(target, stopping.Token);
                client.NoDelay = true;
                await Task.WhenAny(UpAsync(client, server), DownAsync(server, client, cutting));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // A side went away: close both.
            }
        }
    }

    private async Task UpAsync(Socket from, Socket to)
    {
        var buffer = new byte[ChunkBytes];
        int n;
        while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stopping.Token);
        }

        to.Shutdown(SocketShutdown.Send);
        await Task.Delay(Timeout.Infinite, stopping.Token); // the other direction ends the link
    }

    private async Task DownAsync(Socket from, Socket to, bool cutting)
    {
        var buffer = new byte[ChunkBytes];
        var pending = new List<byte>(); // unparsed bytes when cutting: frame boundaries matter
        var started = Environment.TickCount64;
        int n;
        while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, stopping.Token)) > 0)
        {
            var chunk = buffer.AsMemory(0, n);
            if (cutting)
            {
                pending.AddRange(buffer.AsSpan(0, n).ToArray());
                var frames = 0;
                while (pending.Count - frames >= 5)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(pending.GetRange(frames, 4).ToArray());
                    if (pending[frames + 4] == CutBeforeFrame)
                    {
                        await to.SendAsync(pending.GetRange(0, frames).ToArray(), SocketFlags.None, stopping.Token);
                        WasCut = true;
                        return;
                    }

                    if (pending.Count - frames < 4 + length)
                    {
                        break;
                    }

                    frames += 4 + length;
                }

                chunk = pending.GetRange(0, frames).ToArray();
                pending.RemoveRange(0, frames);
            }

            await to.SendAsync(chunk, SocketFlags.None, stopping.Token);
            var total = Interlocked.Add(ref forwarded, chunk.Length);
            if (total >= PauseAfterBytes)
            {
                await resumed.Task.WaitAsync(stopping.Token);
            }

            if (BytesPerSecond != long.MaxValue)
            {
                var due = started + (total * 1000 / BytesPerSecond);
                var wait = due - Environment.TickCount64;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), stopping.Token);
                }
            }
        }

        to.Shutdown(SocketShutdown.Send);
    }
}
