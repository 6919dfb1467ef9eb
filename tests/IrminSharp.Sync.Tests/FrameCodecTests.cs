using System.Buffers;
using FsCheck.Xunit;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

public sealed class FrameCodecTests
{
    private static byte[] Encode(FrameCodec codec, params (byte Type, byte[] Body)[] frames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (type, body) in frames)
        {
            codec.Write(buffer, type, body);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A sequence of several segments, as a socket delivers bytes.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int cut)
    {
        if (cut <= 0 || cut >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, cut), 0);
        var last = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    [Property]
    public bool Frames_RoundTrip_AcrossAnySegmentCut(byte type, byte[] body, byte cut)
    {
        body ??= [];
        var codec = new FrameCodec();
        var bytes = Encode(codec, (type, body), (7, [1, 2, 3]));
        var sequence = Segmented(bytes, cut % (bytes.Length + 1));
        if (codec.TryRead(sequence, out var first, out var consumed) != FrameStatus.Complete)
        {
            return false;
        }

        var rest = sequence.Slice(consumed);
        return first!.Type == type && first.Body.Span.SequenceEqual(body)
            && codec.TryRead(rest, out var second, out _) == FrameStatus.Complete && second!.Type == 7;
    }

    [Fact]
    public void EveryProperPrefix_NeedsMore_AndConsumesNothing()
    {
        var codec = new FrameCodec();
        var bytes = Encode(codec, (3, new byte[100]));
        for (var length = 0; length < bytes.Length; length++)
        {
            var status = codec.TryRead(new ReadOnlySequence<byte>(bytes, 0, length), out var frame, out var consumed);
            Assert.Equal(FrameStatus.NeedMore, status);
            Assert.Null(frame);
            Assert.Equal(0, consumed.GetInteger());
        }
    }

    [Fact]
    public void AnnouncedFrameOverTheLimit_IsInvalid_BeforeAnyBodyArrives()
    {
        var codec = new FrameCodec(maxFrameBytes: 1024);
        byte[] huge = [0x7f, 0xff, 0xff, 0xff];
        Assert.Equal(FrameStatus.Invalid, codec.TryRead(new ReadOnlySequence<byte>(huge), out _, out _));
        byte[] empty = [0, 0, 0, 0];
        Assert.Equal(FrameStatus.Invalid, codec.TryRead(new ReadOnlySequence<byte>(empty), out _, out _));
        Assert.Throws<ArgumentException>(() => codec.Write(new ArrayBufferWriter<byte>(), 1, new byte[1024]));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
