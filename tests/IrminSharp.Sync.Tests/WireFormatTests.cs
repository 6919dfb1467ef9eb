using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>Deltas, URLs and message bodies: round trips, and arbitrary bytes refused cleanly.</summary>
public sealed class WireFormatTests
{
    [Property(MaxTest = 500)]
    public void Delta_RebuildsTheTarget_FromItsBase(byte[] baseObject, byte[] target)
    {
        var (prefix, suffix) = ObjectDelta.Shared(baseObject, target);
        Assert.True(prefix + suffix <= Math.Min(baseObject.Length, target.Length));
        var middle = target.AsSpan(prefix, target.Length - prefix - suffix);
        Assert.Equal(target, ObjectDelta.Apply(baseObject, prefix, suffix, middle, int.MaxValue));
    }

    [Property(MaxTest = 300)]
    public void Delta_ThatDoesNotFitItsBase_IsRefused(byte[] baseObject, NonNegativeInt prefix, NonNegativeInt suffix)
    {
        if (prefix.Get + (long)suffix.Get <= baseObject.Length)
        {
            return;
        }

        Assert.Null(ObjectDelta.Apply(baseObject, prefix.Get, suffix.Get, [1, 2, 3], int.MaxValue));
    }

    [Fact]
    public void Delta_OfANodeWithOneChangedChild_IsSmall()
    {
        var old = new byte[1100];
        new Random(1).NextBytes(old);
        var changed = (byte[])old.Clone();
        new Random(2).NextBytes(changed.AsSpan(500, 32));
        var (prefix, suffix) = ObjectDelta.Shared(old, changed);
        Assert.True(changed.Length - prefix - suffix <= 32);
    }

    [Theory]
    [InlineData("irmin://host", "host", 9181, "default")]
    [InlineData("irmin://host:1234/metrics", "host", 1234, "metrics")]
    [InlineData("irmin://127.0.0.1:9/s/", "127.0.0.1", 9, "s")]
    [InlineData("irmin://[::1]:77/x", "::1", 77, "x")]
    public void RemoteUrl_Parses(string text, string host, int port, string store)
    {
        var url = RemoteUrl.Parse(text);
        Assert.Equal(new RemoteUrl(host, port, store), url);
        Assert.Equal(url, RemoteUrl.Parse(url.ToString()));
    }

    [Theory]
    [InlineData("http://host/x")]
    [InlineData("irmin://")]
    [InlineData("irmin://host:0/x")]
    [InlineData("irmin://host:70000/x")]
    [InlineData("irmin://host:abc/x")]
    [InlineData("irmin://host/a/b")]
    [InlineData("irmin://[::1/x")]
    public void RemoteUrl_RefusesBadInput(string text) => Assert.Throws<ArgumentException>(() => RemoteUrl.Parse(text));

    /// <summary>Every message reader, fed arbitrary bytes, returns or raises a protocol error, nothing else.</summary>
    [Property(MaxTest = 300)]
    public void MessageReaders_RefuseGarbage_WithAProtocolError(byte[] body)
    {
        var frame = new Frame(0, body);
        Action[] readers =
        [
            () => MessageCodec.ReadHello(frame, "peer"),
            () => MessageCodec.ReadWelcome(frame, "peer"),
            () => MessageCodec.ReadError(frame, "peer"),
            () => MessageCodec.ReadEmpty(frame, "peer"),
            () => MessageCodec.ReadRefs(frame, "peer", 32),
            () => MessageCodec.ReadFetch(frame, "peer", 32),
            () => MessageCodec.ReadOffer(frame, "peer", 32, 4096),
            () => MessageCodec.ReadNeed(frame, "peer", 10),
            () => MessageCodec.ReadObjects(frame, "peer", 32, 1 << 20),
            () => MessageCodec.ReadRefUpdate(frame, "peer", 32),
            () => MessageCodec.ReadHashOnly(frame, "peer", 32),
        ];
        foreach (var read in readers)
        {
            try
            {
                read();
            }
            catch (SyncException e)
            {
                Assert.Equal(SyncErrorKind.Protocol, e.Kind);
            }
        }
    }

    [Fact]
    public void Messages_RoundTrip()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        MessageCodec.Write(buffer, new HelloMessage(1, "s", "counter", "default", ["delta"]));
        var hello = MessageCodec.ReadHello(new Frame(1, buffer.WrittenMemory.ToArray()), "p");
        Assert.Equal(("s", "counter", "default"), (hello.Schema, hello.ContentType, hello.Store));
        Assert.Equal(["delta"], hello.Capabilities);

        var h = Hash.ComputeBlake3([1, 2, 3]);
        buffer.ResetWrittenCount();
        MessageCodec.Write(buffer, new RefUpdateMessage("heads/main", null, h, true));
        var update = MessageCodec.ReadRefUpdate(new Frame(12, buffer.WrittenMemory.ToArray()), "p", 32);
        Assert.Equal(new RefUpdateMessage("heads/main", null, h, true), update);

        buffer.ResetWrittenCount();
        MessageCodec.WriteObjects(buffer, [new ObjectEntry(new byte[] { 9, 9 }, null, 0, 0), new ObjectEntry(new byte[] { 7 }, h, 3, 4)]);
        var entries = MessageCodec.ReadObjects(new Frame(9, buffer.WrittenMemory.ToArray()), "p", 32, 100);
        Assert.Equal(2, entries.Count);
        Assert.Equal([9, 9], entries[0].Bytes.ToArray());
        Assert.Null(entries[0].Base);
        Assert.Equal((h, 3, 4), (entries[1].Base!.Value, entries[1].Prefix, entries[1].Suffix));
        Assert.Equal([7], entries[1].Bytes.ToArray());
    }
}
