using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace IrminSharp.Sync;

/// <summary>
/// The server's answer to a connection it cannot take now: one plain-text line,
/// <c>IRMIN-BUSY retry-after-ms=NNNN\n</c>, written instead of starting TLS (or the first frame),
/// then the connection is closed. A TLS record starts with a byte from 0x14 to 0x17 and a frame
/// length with 0x00 for any frame under 16 MiB, so the ASCII 'I' is unambiguous to a client
/// reading its first bytes. The line is unauthenticated: on-path attackers can only make a
/// client wait, as they can by resetting its connection (docs/protocol/sync.md, "Admission and busy").
/// </summary>
internal static class BusyAnswer
{
    /// <summary>The first byte of the line, 'I'.</summary>
    public const byte FirstByte = (byte)'I';

    /// <summary>The longest line a client reads: a longer one is not a busy answer.</summary>
    public const int MaxLineBytes = 64;

    private const string Prefix = "IRMIN-BUSY retry-after-ms=";

    /// <summary>How long a server keeps reading (and discarding) what a refused client sent, so that closing does not reset the connection before the client has read the line.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(1);

    /// <summary>The line for <paramref name="retryAfter"/>.</summary>
    public static byte[] Line(TimeSpan retryAfter) =>
        Encoding.ASCII.GetBytes(Prefix + ((long)retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>
    /// Writes the line to <paramref name="socket"/>, shuts its sending side, and reads what the
    /// client still sends for a moment (its TLS hello, its hello frame) before closing, so that the
    /// client reads the line rather than a reset. Never throws: the client may be gone already.
    /// </summary>
    public static async Task SendAndCloseAsync(Socket socket, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(DrainTime);
        try
        {
            await socket.SendAsync(Line(retryAfter), SocketFlags.None, drain.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            var discard = new byte[512];
            var total = 0;
            int n;
            while (total < 64 * 1024 && (n = await socket.ReceiveAsync(discard, SocketFlags.None, drain.Token).ConfigureAwait(false)) > 0)
            {
                total += n;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone, or took too long to hang up: close anyway.
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>
    /// The retry delay in <paramref name="line"/> (the bytes up to, not including, the newline);
    /// null when it is not a busy answer.
    /// </summary>
    public static TimeSpan? Parse(ReadOnlySpan<byte> line)
    {
        var text = Encoding.ASCII.GetString(line);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > (long)TimeSpan.FromHours(1).TotalMilliseconds)
        {
            return null;
        }

        return TimeSpan.FromMilliseconds(ms);
    }
}
