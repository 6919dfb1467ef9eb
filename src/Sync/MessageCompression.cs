using System.Buffers;
using System.IO.Compression;

namespace IrminSharp.Sync;

/// <summary>
/// zlib for objects and stream messages (the <c>zlib</c> capability): step names, values and
/// message framing compress; hashes do not, so small or incompressible bodies travel as they are.
/// Expanding is bounded by the frame limit and the expansion limit (<see cref="SyncLimits.MaxExpansionRatio"/>),
/// so a small hostile message cannot inflate far.
/// </summary>
internal static class MessageCompression
{
    private const int MinimumBytes = 1024;

    /// <summary>
    /// Queues the body just written, compressed, as <paramref name="type"/>; false (nothing queued)
    /// when that would not be smaller, or when its <paramref name="expandedBytes"/> of objects
    /// would expand past what the receiver accepts from so few bytes (<see cref="TransferBudget.ExpansionBound"/>).
    /// </summary>
    public static bool TryQueueCompressed(SyncConnection connection, MessageType type, long expandedBytes)
    {
        var body = connection.Body;
        if (body.Length < MinimumBytes)
        {
            return false;
        }

        var compressed = new ArrayBufferWriter<byte>(body.Length / 2);
        using (var zlib = new ZLibStream(new BufferWriterStream(compressed), CompressionLevel.Fastest))
        {
            zlib.Write(body);
        }

        if (compressed.WrittenCount >= body.Length
            || Math.Max(body.Length, expandedBytes) > TransferBudget.ExpansionBound(connection.Limits, compressed.WrittenCount))
        {
            return false;
        }

        connection.QueueRaw(type, compressed.WrittenSpan);
        return true;
    }

    /// <summary>The frame with its body expanded when it is a compressed type, as the uncompressed type; other frames as they are.</summary>
    public static Frame Expand(Frame frame, SyncConnection connection)
    {
        var plain = (MessageType)frame.Type switch
        {
            MessageType.ObjectsZlib => MessageType.Objects,
            MessageType.StreamZlib => MessageType.Stream,
            _ => (MessageType?)null,
        };
        if (plain is null)
        {
            return frame;
        }

        // At most the frame limit, and at most what the expansion limit allows so few bytes: a
        // small hostile message cannot inflate far, and nothing is allocated ahead of the bytes.
        var frameLimit = connection.Limits.MaxFrameBytes;
        var limit = Math.Min(frameLimit, TransferBudget.ExpansionBound(connection.Limits, frame.Body.Length));
        var output = new ArrayBufferWriter<byte>((int)Math.Min(limit, Math.Max(256, frame.Body.Length * 4L)));
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(frame.Body.ToArray(), writable: false), CompressionMode.Decompress);
            while (true)
            {
                var span = output.GetSpan(64 * 1024);
                var n = zlib.Read(span);
                if (n == 0)
                {
                    break;
                }

                output.Advance(n);
                if (output.WrittenCount > limit)
                {
                    throw new SyncException(SyncErrorKind.Protocol, limit == frameLimit
                        ? $"{connection.Peer} sent a compressed message that expands past the {limit}-byte frame limit"
                        : $"{connection.Peer} sent a compressed message of {frame.Body.Length} bytes that expands past {limit} bytes (the expansion limit: {connection.Limits.MaxExpansionRatio} times its size plus {connection.Limits.ExpansionAllowanceBytes} bytes, at most {connection.Limits.MaxMessageExpandedBytes} bytes)");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent a malformed compressed message", e);
        }

        return new Frame((byte)plain.Value, output.WrittenMemory);
    }
}
