using System.Buffers;
using System.Buffers.Binary;

namespace IrminSharp.Sync;

/// <summary>
/// Length-prefixed frames: a 4-byte big-endian length L (counting the type byte and the body),
/// then the type byte, then L − 1 bytes of MessagePack body. See docs/protocol/sync.md.
/// </summary>
/// <remarks>
/// The decoder checks the declared length against <see cref="MaxFrameBytes"/> before it
/// allocates, so a hostile peer cannot make it reserve memory by announcing a huge frame. The same
/// decoder serves a network stream read in pieces and a complete buffer.
/// </remarks>
public sealed class FrameCodec
{
    private const int PrefixBytes = 4;

    /// <summary>A codec accepting frames of up to <paramref name="maxFrameBytes"/> bytes (type byte and body).</summary>
    public FrameCodec(int maxFrameBytes = 16 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, 1);
        MaxFrameBytes = maxFrameBytes;
    }

    /// <summary>The largest frame accepted or written, type byte and body.</summary>
    public int MaxFrameBytes { get; }

    /// <summary>Writes one frame.</summary>
    /// <exception cref="ArgumentException">The body is larger than the frame limit allows.</exception>
    public void Write(IBufferWriter<byte> writer, byte type, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var length = checked(body.Length + 1);
        if (length > MaxFrameBytes)
        {
            throw new ArgumentException($"A frame body of {body.Length} bytes exceeds the {MaxFrameBytes}-byte frame limit.", nameof(body));
        }

        var span = writer.GetSpan(PrefixBytes + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        span[PrefixBytes] = type;
        body.CopyTo(span[(PrefixBytes + 1)..]);
        writer.Advance(PrefixBytes + length);
    }

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="FrameStatus.Complete"/>,
    /// <paramref name="consumed"/> is the position after the frame; otherwise nothing is consumed.
    /// </summary>
    public FrameStatus TryRead(ReadOnlySequence<byte> buffer, out Frame? frame, out SequencePosition consumed)
    {
        frame = null;
        consumed = buffer.Start;
        if (buffer.Length < PrefixBytes)
        {
            return FrameStatus.NeedMore;
        }

        Span<byte> prefix = stackalloc byte[PrefixBytes];
        buffer.Slice(0, PrefixBytes).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0 || length > (uint)MaxFrameBytes)
        {
            return FrameStatus.Invalid;
        }

        if (buffer.Length < PrefixBytes + length)
        {
            return FrameStatus.NeedMore;
        }

        var whole = buffer.Slice(PrefixBytes, length);
        var type = whole.FirstSpan[0];
        frame = new Frame(type, whole.Slice(1).ToArray());
        consumed = whole.End;
        return FrameStatus.Complete;
    }
}
