using System.Net;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Hostile clients pushing to a real <see cref="SyncServer"/> over a pack on a file: a delta bomb,
/// a zlib bomb, a transfer over its budget, stream messages out of turn, a push that fills the
/// device, a client trickling bytes and one holding a transfer open. Each is cut with a message
/// naming the limit, the pack grows by no more than what was checked and allowed, the refs do not
/// move, and a well-behaved push and fetch work afterwards.
/// </summary>
public sealed class TransferBudgetTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-budget-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task One_large_message_within_the_ratio_is_refused_past_the_message_cap()
    {
        // A whole 8 MiB object and 60 deltas against it in one message: within 64 times its size,
        // but about 490 MiB held at once (the red team's finding); refused before any is rebuilt.
        var baseObject = BudgetWire.Contents((8 << 20) - 64, seed: 7);
        var (hashes, deltas) = BudgetWire.DeltaBomb(baseObject, 60);
        var growth = await AgainstServerAsync(["delta"], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, [BudgetWire.HashOf(baseObject), .. hashes]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([WireObjectEntry.Whole(baseObject), .. deltas]));
            await ExpectErrorAsync(link, "protocol", "at most 33554432 bytes");
        });
        Assert.True(growth < 1 << 20, $"the pack grew by {growth} bytes");
    }

    [Fact]
    public async Task A_pushed_delta_bomb_is_refused_by_the_expansion_limit()
    {
        var baseObject = BudgetWire.Contents(1 << 20, seed: 1);
        var (hashes, deltas) = BudgetWire.DeltaBomb(baseObject, 32);
        var growth = await AgainstServerAsync(["delta"], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, [BudgetWire.HashOf(baseObject), .. hashes]);
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([WireObjectEntry.Whole(baseObject)]));
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(deltas)); // 32 MiB from about 1.5 KB
            await ExpectErrorAsync(link, "protocol", "the expansion limit");
        });
        Assert.True(growth < 2 << 20, $"the pack grew by {growth} bytes: more than the base object the delta bomb built on");
    }

    [Fact]
    public async Task A_pushed_zlib_bomb_is_refused_by_the_expansion_limit()
    {
        var zeros = BudgetWire.Contents(4 << 20, seed: null);
        var growth = await AgainstServerAsync(["zlib"], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, [BudgetWire.HashOf(zeros)]);
            await link.SendAsync(BudgetWire.ObjectsZlib, BudgetWire.Zlib(HandBuiltMessage.ObjectsBody([(ReadOnlyMemory<byte>)zeros]))); // 4 MiB from about 4 KB
            await ExpectErrorAsync(link, "protocol", "the expansion limit");
        });
        Assert.True(growth < 64 << 10, $"the pack grew by {growth} bytes, and nothing was accepted");
    }

    [Fact]
    public async Task A_push_over_the_transfer_budget_is_refused()
    {
        var objects = Enumerable.Range(0, 5).Select(i => BudgetWire.Contents(20 << 10, seed: 10 + i)).ToList();
        var limits = new SyncLimits { MaxTransferBytes = 64 << 10 };
        var growth = await AgainstServerAsync([], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, objects.ConvertAll(o => BudgetWire.HashOf(o)));
            await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(objects.ConvertAll(o => (ReadOnlyMemory<byte>)o)));
            await ExpectErrorAsync(link, "refused", "MaxTransferBytes");
        }, limits);
        Assert.True(growth < 64 << 10, $"the pack grew by {growth} bytes, past the 64 KiB budget");
    }

    [Fact]
    public async Task A_stream_message_before_any_offer_is_refused()
    {
        var stray = BudgetWire.Contents(100, seed: 3);
        var growth = await AgainstServerAsync(["stream"], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await link.SendAsync(BudgetWire.Stream, HandBuiltMessage.ObjectsBody([(ReadOnlyMemory<byte>)stray]));
            await ExpectErrorAsync(link, "protocol", "sent message type 14 where Offer or End was due");
        });
        Assert.True(growth < 4 << 10, $"the pack grew by {growth} bytes, and nothing was accepted");
    }

    /// <summary>
    /// A push that fills the device fails with "no space left", and what it added and could not
    /// write is dropped: a well-behaved push afterwards is written, without a restart.
    /// </summary>
    [Fact]
    public async Task A_push_that_fills_the_device_leaves_nothing_that_blocks_later_pushes()
    {
        const int objectBytes = 512 << 10;
        var path = SeedServerPack();
        long free;
        using (var probe = PackOnFile.Open(path))
        {
            var stats = probe.Pack.Stats();
            free = stats.CapacityBytes - stats.LogBytes;
        }

        // One batch a little larger than the free space, written only once it has all arrived.
        var count = (int)(free / objectBytes) + 2;
        var limits = new SyncLimits { StoreBatchBytes = count * objectBytes };
        var objects = Enumerable.Range(0, count).Select(i => BudgetWire.Contents(objectBytes, seed: 100 + i)).ToList();
        await AgainstServerAsync([], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, objects.ConvertAll(o => BudgetWire.HashOf(o)));
            foreach (var o in objects)
            {
                await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody([(ReadOnlyMemory<byte>)o]));
            }

            await ExpectErrorAsync(link, "refused", "no space left");
        }, limits, path);
    }

    [Fact]
    public async Task A_client_trickling_a_message_is_dropped_at_the_minimum_rate()
    {
        var limits = new SyncLimits { MinBytesPerSecond = 1000, RateWindow = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromSeconds(5) };
        List<string>? log = null;
        await AgainstServerAsync([], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            Assert.True(await BudgetWire.TrickleAsync(link, HandBuiltMessage.Offer, 32 * 100, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(8)));
        }, limits, logOut: l => log = l);
        Assert.NotNull(await ServerLogWait.ForLineAsync(log!, "MinBytesPerSecond", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_client_holding_a_transfer_open_is_dropped_at_the_transfer_deadline()
    {
        // The deadline applies to the honest push that follows too: long enough for it on a loaded machine.
        var limits = new SyncLimits { TransferTimeout = TimeSpan.FromSeconds(4), IdleTimeout = TimeSpan.FromSeconds(20) };
        var one = BudgetWire.Contents(100, seed: 4);
        List<string>? log = null;
        await AgainstServerAsync([], async link =>
        {
            await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
            await OfferAsync(link, [BudgetWire.HashOf(one)]);
            Assert.NotNull(await ServerLogWait.ForLineAsync(log!, "TransferTimeout", TimeSpan.FromSeconds(15)));
            Assert.True(await link.ClosedByPeerAsync());
        }, limits, logOut: l => log = l);
    }

    private static async Task OfferAsync(PeerLink link, List<Hash> hashes)
    {
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(hashes));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        Assert.True(Enumerable.Range(0, hashes.Count).All(i => (need[i >> 3] & (1 << (i & 7))) != 0), "the server should need every object offered");
    }

    private static async Task ExpectErrorAsync(PeerLink link, string kind, string says)
    {
        var frame = await link.ReceiveAsync();
        Assert.True(frame is not null, "the server hung up without an error message");
        Assert.Equal(HandBuiltMessage.Error, frame.Type);
        var (actualKind, message) = HandBuiltMessage.ReadError(frame.Body);
        Assert.True(actualKind == kind && message.Contains(says, StringComparison.Ordinal), $"expected {kind} saying \"{says}\", got {actualKind}: {message}");
        Assert.True(await link.ClosedByPeerAsync(), "the server should hang up after an error");
    }

    private string SeedServerPack()
    {
        var path = Path.Combine(directory, "server.pack");
        using var seed = PackOnFile.Create(path);
        SampleHistory.Grow(seed.Repository, 0, 3, 20);
        return path;
    }

    /// <summary>
    /// Serves a seeded pack; says hello on a raw connection announcing <paramref name="capabilities"/>
    /// and runs <paramref name="hostile"/>; then checks the refs did not move and nothing stored was
    /// lost, and that a well-behaved push and fetch work. Returns how much the pack's log grew
    /// during the hostile session.
    /// </summary>
    private async Task<long> AgainstServerAsync(
        IReadOnlyList<string> capabilities, Func<PeerLink, Task> hostile, SyncLimits? limits = null, string? path = null, Action<List<string>>? logOut = null)
    {
        path ??= SeedServerPack();
        var log = new List<string>();
        logOut?.Invoke(log);
        using var pack = PackOnFile.Open(path);
        var refsBefore = pack.Repository.Refs.List().ToList();
        var logBefore = pack.Pack.Stats().LogBytes;
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = pack.Store },
            new SyncServerOptions
            {
                InsecureLoopback = true,
                Limits = limits ?? SyncLimits.Default,
                Log = line =>
                {
                    lock (log)
                    {
                        log.Add(line);
                    }
                },
            });
        try
        {
            var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
            await using (var link = await PeerLink.ConnectAsync(endPoint))
            {
                await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(Schema, ContentType, capabilities));
                await link.ExpectAsync(HandBuiltMessage.Welcome);
                await hostile(link).WaitAsync(TimeSpan.FromSeconds(30));
            }

            var growth = pack.Pack.Stats().LogBytes - logBefore;
            Assert.Equal(refsBefore, pack.Repository.Refs.List());
            StoreConsistency.AssertRefsComplete(pack.Repository.Objects, pack.Repository.Refs);
            await WellBehavedPushAndFetchAsync(endPoint, pack.Repository);
            return growth;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Clones the server, adds a commit, pushes it, and fetches into a fresh store.</summary>
    private static async Task WellBehavedPushAndFetchAsync(IPEndPoint endPoint, Repository<long> server)
    {
        var url = new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore);
        var remote = new Remote("origin", url, new RemoteOptions { InsecureLoopback = true });
        using var client = SyncFixture.CounterRepository();
        await remote.CloneAsync(SyncStore.Of(client));
        SampleHistory.Grow(client, 90, 1, 3);
        await remote.PushAsync(SyncStore.Of(client), "main");
        Assert.Equal(client.Main.HeadHash, server.Main.HeadHash);
        StoreConsistency.AssertRefsComplete(server.Objects, server.Refs);

        using var other = SyncFixture.CounterRepository();
        await remote.FetchAsync(SyncStore.Of(other));
        Assert.Equal(StoreConsistency.RefsUnder(server.Refs, "heads/"), StoreConsistency.RefsUnder(other.Refs, "remotes/origin/"));
        StoreConsistency.AssertRefsComplete(other.Objects, other.Refs);
    }
}
