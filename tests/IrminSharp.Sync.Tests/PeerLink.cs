using System.Buffers;
using System.Net;
using System.Net.Sockets;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// One plain-TCP connection seen at the frame level, for scripted peers: frames are read with the
/// public <see cref="FrameCodec"/> and written from hand-built bodies, or raw bytes are written
/// as they are. Every read gives up after <see cref="ReadTimeout"/> so a broken test cannot hang.
/// </summary>
public sealed class PeerLink : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly FrameCodec codec = new(int.MaxValue);
    private byte[] buffer = new byte[64 * 1024];
    private int filled;

    public PeerLink(Socket socket)
    {
        this.socket = socket;
        socket.NoDelay = true;
    }

    public static TimeSpan ReadTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Connects to <paramref name="endPoint"/>.</summary>
    public static async Task<PeerLink> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return new PeerLink(socket);
    }

    /// <summary>The next frame, or null when the other side closed (or reset) the connection between frames.</summary>
    public async Task<Frame?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(buffer, 0, filled);
            var status = codec.TryRead(sequence, out var frame, out var consumed);
            if (status == FrameStatus.Complete)
            {
                var rest = (int)sequence.Slice(consumed).Length;
                Buffer.BlockCopy(buffer, filled - rest, buffer, 0, rest);
                filled = rest;
                return frame;
            }

            Assert.Equal(FrameStatus.NeedMore, status);
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                n = 0; // reset by the peer: as good as closed
            }

            if (n == 0)
            {
                Assert.True(filled == 0, $"the peer closed the connection in the middle of a frame ({filled} bytes buffered)");
                return null;
            }

            filled += n;
        }
    }

    /// <summary>The next frame, which must be of type <paramref name="type"/>.</summary>
    public async Task<Frame> ExpectAsync(byte type)
    {
        var frame = await ReceiveAsync();
        Assert.NotNull(frame);
        Assert.True(frame.Type == type, $"expected message type {type}, got {frame.Type}");
        return frame;
    }

    /// <summary>Frames <paramref name="body"/> as a message of type <paramref name="type"/> and sends it.</summary>
    public Task SendAsync(byte type, byte[] body)
    {
        var writer = new ArrayBufferWriter<byte>();
        codec.Write(writer, type, body);
        return SendRawAsync(writer.WrittenMemory);
    }

    /// <summary>Sends bytes as they are.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var n = await socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[n..];
        }
    }

    /// <summary>Whether the other side closed the connection within <see cref="ReadTimeout"/>, reading and dropping whatever came before.</summary>
    public async Task<bool> ClosedByPeerAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var sink = new byte[16 * 1024];
        try
        {
            while (await socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
