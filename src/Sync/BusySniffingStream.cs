namespace IrminSharp.Sync;

/// <summary>
/// The client's view of a new connection: passes everything through, except that when the very
/// first byte received is a busy answer's 'I' it reads that line and raises
/// <see cref="SyncErrorKind.Busy"/> with the server's retry delay (<see cref="BusyAnswer"/>).
/// </summary>
internal sealed class BusySniffingStream : Stream
{
    private readonly Stream inner;
    private readonly string peer;
    private bool sniffed;

    public BusySniffingStream(Stream inner, string peer)
    {
        this.inner = inner;
        this.peer = peer;
    }

    /// <summary>The busy answer received, once one was (the TLS layer may wrap the exception raised).</summary>
    public SyncException? Busy { get; private set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (sniffed || n == 0)
        {
            return n;
        }

        sniffed = true;
        if (buffer.Span[0] != BusyAnswer.FirstByte)
        {
            return n;
        }

        // The line may come in pieces: read on up to its newline (or the end, or too many bytes).
        var line = new byte[BusyAnswer.MaxLineBytes];
        var length = Math.Min(n, line.Length);
        buffer.Span[..length].CopyTo(line);
        while (Array.IndexOf(line, (byte)'\n', 0, length) < 0 && length < line.Length)
        {
            var more = await inner.ReadAsync(line.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (more == 0)
            {
                break;
            }

            length += more;
        }

        var end = Array.IndexOf(line, (byte)'\n', 0, length);
        var retryAfter = end < 0 ? null : BusyAnswer.Parse(line.AsSpan(0, end));
        Busy = retryAfter is { } delay
            ? new SyncException($"{peer} is busy: retry after {delay.TotalSeconds:0.###} s", delay)
            : new SyncException(SyncErrorKind.Protocol, $"{peer} answered neither TLS nor the sync protocol");
        throw Busy;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
