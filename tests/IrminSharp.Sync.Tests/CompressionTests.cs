using System.IO.Compression;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// The zlib capability: compressible objects travel in fewer bytes than they hold, and a
/// compressed message that inflates past the frame limit, or is not zlib at all, is refused.
/// </summary>
public sealed class CompressionTests
{
    private const byte ObjectsZlib = 15;

    [Fact]
    public async Task Compressible_objects_take_fewer_bytes_on_the_wire_than_they_hold()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.StringRepository();
        server.Main.Transact(tx =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                tx.Set(StorePath.Parse($"config/section{i % 20}/key{i}"), $"a rather repetitive configuration value number {i % 7}");
            }
        });
        var remote = fx.RemoteTo(fx.Serve(SyncStore.Of(server)));
        using var client = SyncFixture.StringRepository();

        var fetched = await remote.FetchAsync(SyncStore.Of(client));

        Assert.True(
            fetched.Received.WireBytes < fetched.Received.ObjectBytes * 0.8,
            $"{fetched.Received.WireBytes} bytes on the wire for {fetched.Received.ObjectBytes} bytes of objects");
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var main) && main == server.Main.HeadHash);
        ObjectGraph.Reachable(client.Objects, [main]);
    }

    [Theory]
    [InlineData("bomb", "the expansion limit")]
    [InlineData("not zlib", "a malformed compressed message")]
    public async Task A_compressed_message_that_cannot_be_expanded_is_refused(string how, string says)
    {
        using var source = SyncFixture.CounterRepository();
        source.Main.Set(StorePath.Parse("a"), 1);
        var head = source.Main.HeadHash!.Value;
        var offered = MissingObjects.Compute(source.Objects, [head], []);
        byte[] body;
        if (how == "bomb")
        {
            using var packed = new MemoryStream();
            using (var zlib = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 20; i++)
                {
                    zlib.Write(zeros);
                }
            }

            body = packed.ToArray();
        }
        else
        {
            body = new byte[2048];
            new Random(3).NextBytes(body);
        }

        await using var peer = new ScriptedPeer(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(NativeSchema.Instance.Name, CounterContents.Instance.Name, ["zlib"]));
            await link.ExpectAsync(HandBuiltMessage.ListRefs);
            await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody([new("heads/main", head)]));
            await link.ExpectAsync(HandBuiltMessage.Fetch);
            await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(offered));
            await link.ExpectAsync(HandBuiltMessage.Need);
            await link.SendAsync(ObjectsZlib, body);
        });
        using var victim = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote().FetchAsync(SyncStore.Of(victim)));
        Assert.Equal(SyncErrorKind.Protocol, e.Kind);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Empty(victim.Refs.List());
    }
}
