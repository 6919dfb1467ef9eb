using System.Diagnostics;
using System.Net;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Transfers over TLS through a <see cref="CuttingProxy"/> that drops the link after k bytes (both
/// directions counted together), for k spread over the whole exchange, from inside the TLS
/// handshake to the last bytes. After every cut the receiving store must be consistent, and a
/// retry straight to the server must finish the job, resuming from what arrived.
/// </summary>
public sealed class InterruptedTransferTests
{
    private const int CommitsBefore = 5;
    private const int CommitsAfter = 15;
    private const int EntriesPerCommit = 150;
    private const int CutsPerSweep = 40;

    /// <summary>Small offer batches, so a transfer of 4,200 objects takes nine offer/objects rounds.</summary>
    private static readonly SyncLimits SmallOffers = new() { MaxOfferHashes = 512 };

    private readonly ITestOutputHelper output;

    public InterruptedTransferTests(ITestOutputHelper output)
    {
        this.output = output;
    }

    /// <summary>
    /// Client: a pack on a file that fetched the server's first commits; the server (in memory) then
    /// grows by 15 commits of 150 entries, a branch and a tag. After each cut, the client's pack is
    /// copied as it is on disk while still open (a crash right after the broken fetch), and the
    /// retry runs on that copy: resuming needs what arrived to have been flushed.
    /// </summary>
    [Fact]
    public async Task A_fetch_cut_at_any_byte_leaves_a_consistent_pack_and_the_retry_resumes_from_it()
    {
        var clock = Stopwatch.StartNew();
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        SampleHistory.Grow(server, 0, CommitsBefore, EntriesPerCommit);
        var endPoint = fx.Serve(SyncStore.Of(server), SmallOffers);

        var basePath = Path.Combine(fx.Directory, "client-base.pack");
        using (var client = PackOnFile.Create(basePath))
        {
            await fx.RemoteTo(endPoint).FetchAsync(client.Store);
        }

        var baseImage = await File.ReadAllBytesAsync(basePath);
        var baseMain = server.Main.HeadHash!.Value;
        SampleHistory.Grow(server, CommitsBefore, CommitsAfter, EntriesPerCommit);
        var middle = server.Log(server.Main.HeadHash!.Value).ElementAt(CommitsAfter / 2).Hash;
        server.CreateBranch("dev", middle);
        server.CreateTag("v1", middle);

        var full = await CutFetchAsync(fx, server, endPoint, baseImage, baseMain, long.MaxValue);
        Assert.Null(full.Failure);
        var total = full.BytesForwarded;
        Assert.True(full.RetryObjects == 0, "after a whole fetch there is nothing left to fetch");
        Assert.True(full.FirstObjects > 3 * SmallOffers.MaxOfferHashes, $"the fetch should take several objects messages; it moved {full.FirstObjects} objects");
        output.WriteLine($"whole fetch: {full.FirstObjects} objects, {total} bytes through the proxy");

        var outcomes = new List<(long Cut, SyncErrorKind? Failure, long RetryObjects)>();
        foreach (var cut in CutPoints(total))
        {
            var attempt = await CutFetchAsync(fx, server, endPoint, baseImage, baseMain, cut);
            outcomes.Add((cut, attempt.Failure, attempt.RetryObjects));
            if (attempt.Failure is null)
            {
                Assert.Equal(0, attempt.RetryObjects);
            }
            else
            {
                // The retry asks for exactly what the broken fetch did not store.
                Assert.True(attempt.FirstObjects + attempt.RetryObjects == full.FirstObjects, $"cut at {cut}: {attempt.FirstObjects} objects stored, then {attempt.RetryObjects} fetched by the retry, where a whole fetch takes {full.FirstObjects}");
            }
        }

        Report(outcomes, full.FirstObjects, clock);
        AssertLateCutsResume(outcomes, total, full.FirstObjects);
    }

    /// <summary>
    /// The same for push: a client in memory pushes 15 new commits to a server whose store is a
    /// pack on a file, through the proxy. After each cut the server's branch is where it was or at
    /// the pushed commit, never elsewhere; its store is consistent; a retry straight to the server
    /// completes and sends only what did not arrive.
    /// </summary>
    [Fact]
    public async Task A_push_cut_at_any_byte_leaves_the_server_consistent_and_the_retry_resumes()
    {
        var clock = Stopwatch.StartNew();
        await using var fx = new SyncFixture();
        var basePath = Path.Combine(fx.Directory, "server-base.pack");
        using var client = SyncFixture.CounterRepository();
        using (var serverBase = PackOnFile.Create(basePath))
        {
            SampleHistory.Grow(serverBase.Repository, 0, CommitsBefore, EntriesPerCommit);
            await using var server = StartServer(fx, serverBase.Store);
            await fx.RemoteTo(server.EndPoint!).FetchAsync(SyncStore.Of(client));
        }

        var baseImage = await File.ReadAllBytesAsync(basePath);
        Assert.True(client.Refs.TryRead("remotes/origin/main", out var baseMain));
        client.CreateBranch("main", baseMain);
        SampleHistory.Grow(client, CommitsBefore, CommitsAfter, EntriesPerCommit);
        var pushed = client.Main.HeadHash!.Value;

        var full = await CutPushAsync(fx, client, baseImage, baseMain, pushed, long.MaxValue);
        Assert.Null(full.Failure);
        var total = full.BytesForwarded;
        Assert.True(full.FirstObjects > 3 * SmallOffers.MaxOfferHashes, $"the push should take several objects messages; it moved {full.FirstObjects} objects");
        output.WriteLine($"whole push: {full.FirstObjects} objects, {total} bytes through the proxy");

        var outcomes = new List<(long Cut, SyncErrorKind? Failure, long RetryObjects)>();
        foreach (var cut in CutPoints(total))
        {
            var attempt = await CutPushAsync(fx, client, baseImage, baseMain, pushed, cut);
            outcomes.Add((cut, attempt.Failure, attempt.RetryObjects));
            if (attempt.Failure is null)
            {
                Assert.Equal(0, attempt.RetryObjects);
            }
            else
            {
                // The server stored at most what was sent; the retry sends the rest and nothing twice that was stored.
                Assert.True(attempt.RetryObjects <= full.FirstObjects && attempt.FirstObjects + attempt.RetryObjects >= full.FirstObjects, $"cut at {cut}: {attempt.FirstObjects} objects sent, then {attempt.RetryObjects} by the retry, where a whole push sends {full.FirstObjects}");
            }
        }

        Report(outcomes, full.FirstObjects, clock);
        AssertLateCutsResume(outcomes, total, full.FirstObjects);
    }

    /// <summary>
    /// A cut while the TLS handshake is under way is a dropped connection, which a caller retries:
    /// <see cref="SyncErrorKind.Unreachable"/>, not <see cref="SyncErrorKind.Unauthorized"/> (a
    /// certificate problem, not worth retrying). Until c4f319a, src/Sync/SyncTransport.cs mapped
    /// every IOException of the handshake, an EOF from the transport included, to Unauthorized.
    /// </summary>
    [Fact]
    public async Task A_connection_dropped_during_the_TLS_handshake_is_unreachable_not_unauthorized()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        server.Main.Set(StorePath.Parse("a"), 1);
        var endPoint = fx.Serve(SyncStore.Of(server));
        foreach (var cut in new long[] { 1, 100, 400 })
        {
            await using var proxy = new CuttingProxy(endPoint, cut);
            using var client = SyncFixture.CounterRepository();
            var e = await Assert.ThrowsAsync<SyncException>(() => fx.RemoteTo(proxy.EndPoint).FetchAsync(SyncStore.Of(client)));
            Assert.True(e.Kind == SyncErrorKind.Unreachable, $"cut after {cut} bytes: {e.Kind}: {e.Message}");
        }
    }

    /// <summary>
    /// Where to cut: inside the TLS handshake (about 1 KB until the client's side is done with the
    /// fixture's ECDSA certificates), between it and the welcome (about 3 KB in), evenly over the
    /// exchange, and in its last bytes.
    /// </summary>
    private static List<long> CutPoints(long total)
    {
        long[] handshake = [1, 10, 100, 400, 800, 1200, 1600, 2000, 2600, 3200];
        long[] end = [total - 300, total - 64, total - 16, total - 5, total - 2, total - 1];
        var spread = CutsPerSweep - handshake.Length - end.Length;
        var points = new SortedSet<long>(handshake.Concat(end));
        for (var i = 1; points.Count < CutsPerSweep && i <= spread * 2; i++)
        {
            points.Add(4000 + ((total - 4300) * i / (spread + 1)));
        }

        Assert.Equal(CutsPerSweep, points.Count);
        return [.. points];
    }

    /// <summary>A cut in the last 40% of the exchange happens after objects messages were stored: the retry moves fewer objects.</summary>
    private static void AssertLateCutsResume(List<(long Cut, SyncErrorKind? Failure, long RetryObjects)> outcomes, long total, long fullObjects)
    {
        var late = outcomes.Where(o => o.Failure is not null && o.Cut > total * 6 / 10).ToList();
        Assert.NotEmpty(late);
        foreach (var (cut, _, retryObjects) in late)
        {
            Assert.True(retryObjects < fullObjects, $"the retry after a cut at {cut} of {total} bytes moved {retryObjects} objects, as many as a whole transfer ({fullObjects}): nothing was resumed");
        }
    }

    private static SyncServer StartServer(SyncFixture fx, SyncStore store)
    {
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = store },
            new SyncServerOptions { Identity = fx.ServerIdentity, AllowedClients = [fx.ClientIdentity.Fingerprint] });
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return server;
    }

    private void Report(List<(long Cut, SyncErrorKind? Failure, long RetryObjects)> outcomes, long fullObjects, Stopwatch clock)
    {
        foreach (var (cut, failure, retryObjects) in outcomes)
        {
            output.WriteLine($"cut at {cut,8}: {failure?.ToString() ?? "completed",-12} retry moved {retryObjects,5} of {fullObjects} objects");
        }

        output.WriteLine($"{outcomes.Count} cut points, {outcomes.Count(o => o.Failure is null)} transfers completed anyway, {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>One fetch through a cutting proxy into a fresh copy of the client's base pack, then the checks and the retry.</summary>
    private static async Task<TransferAttempt> CutFetchAsync(SyncFixture fx, Repository<long> server, IPEndPoint endPoint, byte[] baseImage, Hash baseMain, long cut)
    {
        var path = Path.Combine(fx.Directory, $"client-{cut}.pack");
        await File.WriteAllBytesAsync(path, baseImage);
        SyncErrorKind? failure = null;
        long forwarded;
        byte[] onDisk;
        var progress = new ProgressRecorder();
        using (var client = PackOnFile.Open(path))
        {
            await using (var proxy = new CuttingProxy(endPoint, cut))
            {
                try
                {
                    await fx.RemoteTo(proxy.EndPoint).FetchAsync(client.Store, progress);
                }
                catch (SyncException e)
                {
                    failure = e.Kind;
                    Assert.True(e.Kind == SyncErrorKind.Unreachable, $"cut at {cut}: {e.Kind}: {e.Message}");
                }

                await proxy.WaitForLinksAsync(TimeSpan.FromSeconds(10));
                forwarded = proxy.BytesForwarded;
            }

            AssertConsistent(client, server, baseMain, complete: failure is null, $"cut at {cut}, live store");
            onDisk = PackOnFile.ReadBytes(path);
        }

        // The pack as a crash right after the broken fetch would leave it.
        var crashPath = path + ".crash";
        await File.WriteAllBytesAsync(crashPath, onDisk);
        long retryObjects;
        using (var restarted = PackOnFile.Open(crashPath))
        {
            var fsck = restarted.Pack.Fsck(restarted.Repository.Options.Schema);
            Assert.True(fsck.IsClean, $"cut at {cut}: fsck: {string.Join("; ", fsck.Problems)}");
            AssertConsistent(restarted, server, baseMain, complete: failure is null, $"cut at {cut}, pack reopened");
            var retry = await fx.RemoteTo(endPoint).FetchAsync(restarted.Store);
            retryObjects = retry.Received.Objects;
            AssertConsistent(restarted, server, baseMain, complete: true, $"cut at {cut}, after the retry");
        }

        File.Delete(path);
        File.Delete(crashPath);
        return new TransferAttempt(failure, progress.Last.Objects, retryObjects, forwarded);

        static void AssertConsistent(PackOnFile client, Repository<long> server, Hash baseMain, bool complete, string when)
        {
            var db = client.Repository.Objects;
            StoreConsistency.AssertRefsComplete(db, client.Repository.Refs);
            StoreConsistency.AssertNothingDangles(db, server.Objects, server.Refs.List().Select(r => r.Value));
            var theirs = StoreConsistency.RefsUnder(server.Refs, "heads/");
            var tracking = StoreConsistency.RefsUnder(client.Repository.Refs, "remotes/origin/");
            var tags = StoreConsistency.RefsUnder(client.Repository.Refs, "tags/");
            if (complete)
            {
                Assert.Equal(theirs, tracking);
                Assert.Equal(StoreConsistency.RefsUnder(server.Refs, "tags/"), tags);
                return;
            }

            // A broken fetch moves no ref: the tracking refs are still the first fetch's.
            Assert.True(tracking.Count == 1 && tracking["main"] == baseMain, $"{when}: tracking refs moved by a broken fetch: {string.Join(", ", tracking)}");
            Assert.Empty(tags);
        }
    }

    /// <summary>One push through a cutting proxy to a server over a fresh copy of its base pack, then the checks and the retry.</summary>
    private static async Task<TransferAttempt> CutPushAsync(SyncFixture fx, Repository<long> client, byte[] baseImage, Hash baseMain, Hash pushed, long cut)
    {
        var path = Path.Combine(fx.Directory, $"server-{cut}.pack");
        await File.WriteAllBytesAsync(path, baseImage);
        SyncErrorKind? failure = null;
        long forwarded, retryObjects;
        var progress = new ProgressRecorder();
        using (var serverPack = PackOnFile.Open(path))
        {
            await using (var server = StartServer(fx, serverPack.Store))
            {
                await using (var proxy = new CuttingProxy(server.EndPoint!, cut))
                {
                    try
                    {
                        await fx.RemoteTo(proxy.EndPoint, limits: SmallOffers).PushAsync(SyncStore.Of(client), "main", progress: progress);
                    }
                    catch (SyncException e)
                    {
                        failure = e.Kind;
                        Assert.True(e.Kind == SyncErrorKind.Unreachable, $"cut at {cut}: {e.Kind}: {e.Message}");
                    }

                    await proxy.WaitForLinksAsync(TimeSpan.FromSeconds(10));
                    forwarded = proxy.BytesForwarded;
                }

                // The session may still be applying what arrived before the cut (a ref update
                // included): let it finish before the store is checked and the retry reads main.
                await server.WaitForSessionsAsync().WaitAsync(TimeSpan.FromSeconds(30));
                var db = serverPack.Repository.Objects;
                Assert.True(serverPack.Repository.Refs.TryRead("heads/main", out var main));
                Assert.True(main == baseMain || main == pushed, $"cut at {cut}: the server's main is at {main}, neither where it was nor the pushed commit");
                Assert.True(failure is not null || main == pushed, $"cut at {cut}: the push completed and main is not at the pushed commit");
                StoreConsistency.AssertRefsComplete(db, serverPack.Repository.Refs);
                StoreConsistency.AssertNothingDangles(db, client.Objects, [pushed]);

                var retry = await fx.RemoteTo(server.EndPoint!, limits: SmallOffers).PushAsync(SyncStore.Of(client), "main");
                retryObjects = retry.Sent.Objects;
                Assert.True(failure is not null || retry.UpToDate, $"cut at {cut}: after a completed push the retry should find the server up to date");
                Assert.True(serverPack.Repository.Refs.TryRead("heads/main", out main) && main == pushed);
                StoreConsistency.AssertRefsComplete(db, serverPack.Repository.Refs);
            }

            var fsck = serverPack.Pack.Fsck(serverPack.Repository.Options.Schema);
            Assert.True(fsck.IsClean, $"cut at {cut}: fsck: {string.Join("; ", fsck.Problems)}");
        }

        File.Delete(path);
        return new TransferAttempt(failure, progress.Last.Objects, retryObjects, forwarded);
    }
}
