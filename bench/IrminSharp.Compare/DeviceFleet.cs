using System.Collections.Concurrent;
using System.Diagnostics;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Compare;

/// <summary>
/// The in-process devices of <c>hub-load</c>: each its own in-memory counter store, its own
/// certificate and (with --addresses) its own source address, talking to the hub over real sockets.
/// </summary>
internal sealed class DeviceFleet : IDisposable
{
    /// <summary>The counter every device increments once.</summary>
    public const string CounterKey = "counter";

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ConflictBackoffBase = TimeSpan.FromMilliseconds(25);
    private readonly HubLoadOptions options;
    private readonly IReadOnlyList<SyncIdentity> identities;
    private readonly string serverFingerprint;
    private readonly RemoteUrl url;
    private readonly Repository<long>?[] stores;

    public DeviceFleet(HubLoadOptions options, IReadOnlyList<SyncIdentity> identities, string serverFingerprint, RemoteUrl url)
    {
        this.options = options;
        this.identities = identities;
        this.serverFingerprint = serverFingerprint;
        this.url = url;
        stores = new Repository<long>?[identities.Count];
    }

    public int Count => identities.Count;

    /// <summary>How device <paramref name="device"/> reaches the hub.</summary>
    public Remote RemoteOf(int device) => new("origin", url, new RemoteOptions
    {
        Identity = identities[device],
        ServerFingerprint = serverFingerprint,
        LocalAddress = options.AddressOf(device),
        ConnectTimeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>Phase 1: every device clones the hub, at most C at a time; the clone times of those that succeeded.</summary>
    public async Task<(List<double> Milliseconds, FailureTally Failures, TimeSpan Wall)> CloneAllAsync()
    {
        var times = new ConcurrentBag<double>();
        var failures = new FailureTally();
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (device, cancel) =>
        {
            var store = MemoryRepository.Create(CounterContents.Instance);
            var clock = Stopwatch.StartNew();
            try
            {
                await RemoteOf(device).CloneAsync(SyncStore.Of(store), cancellationToken: cancel);
                times.Add(clock.Elapsed.TotalMilliseconds);
                stores[device] = store;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"device {device} clone", e);
                store.Dispose();
            }
        });
        return ([.. times], failures, wall.Elapsed);
    }

    /// <summary>
    /// Phase 2: every device that cloned increments the counter and pushes, at most C at a time; on
    /// a push conflict (diverged) it fetches, merges and pushes again. The times from the first
    /// attempt to the accepted push, the conflicts met, the pushes accepted.
    /// </summary>
    public async Task<(List<double> Milliseconds, FailureTally Failures, int Conflicts, int Pushed)> PushAllAsync()
    {
        var times = new ConcurrentBag<double>();
        var failures = new FailureTally();
        var conflicts = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (device, cancel) =>
        {
            if (stores[device] is not { } store)
            {
                return;
            }

            var remote = RemoteOf(device);
            var clock = Stopwatch.StartNew();
            try
            {
                store.Main.Set(StorePath.Parse(CounterKey), store.Main.Get(StorePath.Parse(CounterKey)) + 1, $"device {device}: +1");
                var attempt = 0;
                while (true)
                {
                    try
                    {
                        await remote.PushAsync(SyncStore.Of(store), "main", cancellationToken: cancel);
                        break;
                    }
                    catch (SyncException e) when (e.Kind == SyncErrorKind.Diverged)
                    {
                        // As a device should: back off, with full jitter, before trying again, so
                        // that the devices that lost a race do not all come back together.
                        Interlocked.Increment(ref conflicts);
                        var bound = ConflictBackoffBase.TotalMilliseconds * (1 << Math.Min(++attempt, 6));
                        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound), cancel);
                        await remote.PullAsync(store, "main", CommitInfo.Now($"device {device}", "merge the hub"), cancellationToken: cancel);
                    }
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"device {device} push", e);
            }
            finally
            {
                store.Dispose();
                stores[device] = null;
            }
        });
        return ([.. times], failures, conflicts, times.Count);
    }

    /// <summary>
    /// Phase 3: every device opens a connection (hello, a list of refs), at most H handshakes at a
    /// time, and holds it, listing refs every 10 s, until all are open; then <paramref name="whenAllOpen"/>
    /// runs (the hub's memory is read) and every connection closes. The connections that opened.
    /// </summary>
    public async Task<(int Held, FailureTally Failures, TimeSpan Opening)> HoldAllAsync(Func<int, Task> whenAllOpen)
    {
        var failures = new FailureTally();
        var opened = 0;
        var settled = 0;
        var allSettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handshakes = new SemaphoreSlim(options.HoldConcurrency);
        var opening = Stopwatch.StartNew();
        var holders = Enumerable.Range(0, Count).Select(async device =>
        {
            ClientSession? session = null;
            try
            {
                await handshakes.WaitAsync();
                try
                {
                    var remote = RemoteOf(device);
                    session = await ClientSession.OpenAsync(remote.Url, remote.Options, NativeSchema.Instance.Name, CounterContents.Instance.Name, CancellationToken.None);
                    await session.ListRefsAsync(Hash.MaxLength, CancellationToken.None);
                    Interlocked.Increment(ref opened);
                }
                finally
                {
                    handshakes.Release();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"device {device} hold", e);
                session = null;
            }
            finally
            {
                if (Interlocked.Increment(ref settled) == Count)
                {
                    allSettled.TrySetResult();
                }
            }

            if (session is null)
            {
                return;
            }

            await using (session)
            {
                while (await Task.WhenAny(release.Task, Task.Delay(KeepAlive)) != release.Task)
                {
                    try
                    {
                        await session.ListRefsAsync(Hash.MaxLength, CancellationToken.None);
                    }
                    catch (SyncException e)
                    {
                        failures.Add($"device {device} held", e);
                        return;
                    }
                }
            }
        }).ToList();

        await allSettled.Task;
        var took = opening.Elapsed;
        try
        {
            await whenAllOpen(opened);
        }
        finally
        {
            release.TrySetResult();
            await Task.WhenAll(holders);
        }

        return (opened, failures, took);
    }

    public void Dispose()
    {
        foreach (var store in stores)
        {
            store?.Dispose();
        }

        foreach (var identity in identities)
        {
            identity.Dispose();
        }
    }
}
