using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;

namespace IrminSharp.Sync;

/// <summary>
/// One side of a sync connection: frames in and out over a stream (TLS or, on loopback, plain
/// TCP), every wait bounded by the idle timeout, bytes on the wire counted.
/// </summary>
internal sealed class SyncConnection : IAsyncDisposable
{
    private const int WritePieceBytes = 64 * 1024;
    private readonly Stream stream;
    private readonly CountingStream wire;
    private readonly PipeReader reader;
    private readonly FrameCodec codec;
    private readonly ArrayBufferWriter<byte> outgoing = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> body = new(64 * 1024);
    private readonly TransferPace pace;

    public SyncConnection(Stream stream, CountingStream wire, SyncLimits limits, string peer)
    {
        this.stream = stream;
        this.wire = wire;
        Limits = limits;
        Peer = peer;
        codec = new FrameCodec(limits.MaxFrameBytes);
        pace = new TransferPace(limits);
        reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    }

    public SyncLimits Limits { get; }

    /// <summary>Who is on the other end, for messages.</summary>
    public string Peer { get; }

    /// <summary>On a server, the client certificate's fingerprint; null without TLS (insecure loopback).</summary>
    public string? ClientFingerprint { get; init; }

    /// <summary>Bytes received on the wire (TLS records included).</summary>
    public long BytesReceived => wire.BytesRead;

    /// <summary>Bytes sent on the wire (TLS records included).</summary>
    public long BytesSent => wire.BytesWritten;

    /// <summary>Object bytes (expanded) received over all the transfers of this connection.</summary>
    public long ObjectBytesReceived { get; set; }

    /// <summary>Starts an object transfer's clock (<see cref="SyncLimits.TransferTimeout"/>).</summary>
    public void StartTransfer() => pace.StartTransfer();

    /// <summary>Stops the object transfer's clock.</summary>
    public void EndTransfer() => pace.EndTransfer();

    /// <summary>A buffer for the next message's body; <see cref="Queue"/> frames it.</summary>
    public ArrayBufferWriter<byte> StartBody()
    {
        body.ResetWrittenCount();
        return body;
    }

    /// <summary>The body written since <see cref="StartBody"/>.</summary>
    public ReadOnlySpan<byte> Body => body.WrittenSpan;

    /// <summary>Frames <paramref name="payload"/> (instead of the body) and queues it.</summary>
    public void QueueRaw(MessageType type, ReadOnlySpan<byte> payload) => codec.Write(outgoing, (byte)type, payload);

    /// <summary>Frames the body written since <see cref="StartBody"/> and queues it for <see cref="FlushAsync"/>.</summary>
    public void Queue(MessageType type) => codec.Write(outgoing, (byte)type, body.WrittenSpan);

    /// <summary>Bytes queued and not yet sent.</summary>
    public int QueuedBytes => outgoing.WrittenCount;

    /// <summary>Sends every queued frame.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (outgoing.WrittenCount == 0)
        {
            return;
        }

        using var timeout = Timeout(cancellationToken);
        try
        {
            // In pieces, each with the whole idle timeout: a slow link is not a silent one.
            var pending = outgoing.WrittenMemory;
            while (!pending.IsEmpty)
            {
                var piece = pending[..Math.Min(pending.Length, WritePieceBytes)];
                await stream.WriteAsync(piece, timeout.Token).ConfigureAwait(false);
                pending = pending[piece.Length..];
                timeout.CancelAfter(pace.NextWait());
            }

            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SyncException(SyncErrorKind.Timeout, pace.DeadlinePassed ? pace.DeadlineMessage(Peer) : $"{Peer} stopped reading for {Limits.IdleTimeout.TotalSeconds:0.#} s");
        }
        catch (IOException e)
        {
            throw new SyncException(SyncErrorKind.Unreachable, $"connection to {Peer} lost: {e.Message}", e);
        }
        catch (AuthenticationException e)
        {
            throw new SyncException(SyncErrorKind.Unauthorized, $"TLS with {Peer} failed: {e.Message}", e);
        }

        outgoing.ResetWrittenCount();
    }

    /// <summary>Queues and sends one message.</summary>
    public Task SendAsync(MessageType type, CancellationToken cancellationToken)
    {
        Queue(type);
        return FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The next frame. An error message from the peer is raised as the error it names; a frame
    /// of a type outside <paramref name="expected"/>, a malformed frame, silence past the idle
    /// timeout and a closed connection are errors too.
    /// </summary>
    public async Task<Frame> ReceiveAsync(CancellationToken cancellationToken, params MessageType[] expected) =>
        await ReceiveOrEndAsync(allowEnd: false, expected, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("unreachable");

    /// <summary>As <see cref="ReceiveAsync"/>, but null when the peer closes between frames (when <paramref name="allowEnd"/>).</summary>
    public async Task<Frame?> ReceiveOrEndAsync(bool allowEnd, MessageType[] expected, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        pace.StartMessage();
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SyncException(SyncErrorKind.Timeout, pace.DeadlinePassed ? pace.DeadlineMessage(Peer) : $"{Peer} sent nothing for {Limits.IdleTimeout.TotalSeconds:0.#} s where a message was due");
            }
            catch (IOException e)
            {
                throw new SyncException(SyncErrorKind.Unreachable, $"connection to {Peer} lost: {e.Message}", e);
            }
            catch (AuthenticationException e)
            {
                throw new SyncException(SyncErrorKind.Unauthorized, $"TLS with {Peer} failed: {e.Message}", e);
            }

            var buffer = result.Buffer;
            var status = codec.TryRead(buffer, out var frame, out var consumed);
            switch (status)
            {
                case FrameStatus.Complete:
                    reader.AdvanceTo(consumed);
                    return Check(frame!, expected);
                case FrameStatus.Invalid:
                    throw new SyncException(SyncErrorKind.Protocol, $"{Peer} sent a frame with an invalid length (limit {codec.MaxFrameBytes} bytes)");
                default:
                    if (result.IsCompleted)
                    {
                        if (allowEnd && buffer.IsEmpty)
                        {
                            return null;
                        }

                        throw new SyncException(SyncErrorKind.Unreachable, buffer.IsEmpty
                            ? $"{Peer} closed the connection"
                            : $"{Peer} closed the connection in the middle of a frame");
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (!buffer.IsEmpty && pace.TooSlow(BytesReceived) is { } slow)
                    {
                        throw new SyncException(SyncErrorKind.Timeout, $"{Peer} {slow}");
                    }

                    timeout.CancelAfter(pace.NextWait()); // bytes arrived: the peer is slow, not silent
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await reader.CompleteAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private Frame Check(Frame frame, MessageType[] expected)
    {
        if (frame.Type == (byte)MessageType.Error)
        {
            var error = MessageCodec.ReadError(frame, Peer);
            throw new SyncException(error.Kind, $"{Peer}: {PrintableText.Escape(error.Message)}");
        }

        if (Array.IndexOf(expected, (MessageType)frame.Type) < 0)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{Peer} sent message type {frame.Type} where {string.Join(" or ", expected)} was due");
        }

        return frame;
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(pace.NextWait());
        return source;
    }
}
