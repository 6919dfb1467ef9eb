using System.Diagnostics;
using System.Net;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Compare;

/// <summary>
/// IrminSharp sync, as a device uses it: the device's store (memory or pack, from
/// <see cref="StoreSetup"/>) pushes main with <see cref="Remote.PushAsync"/> to a
/// <see cref="SyncServer"/> in this process on 127.0.0.1, which keeps an in-memory replica. TLS 1.3
/// with pinned self-signed certificates on both sides, as configured for real; every push opens
/// a new connection, so its TCP connect and TLS handshake are part of the timed push.
/// </summary>
internal sealed class IrminPushWorkload : IPushWorkload
{
    private const string StoreName = "default";
    private const string BranchName = "main";

    private readonly IrminWorkload device;
    private readonly SyncStore deviceStore;
    private readonly Repository<string> replica;
    private readonly SyncServer server;
    private readonly Remote remote;

    private IrminPushWorkload(IrminWorkload device, Repository<string> replica, SyncServer server, Remote remote)
    {
        this.device = device;
        this.replica = replica;
        this.server = server;
        this.remote = remote;
        deviceStore = SyncStore.Of(device.Repository);
    }

    public string Name => device.Name;

    /// <summary>
    /// Starts a server for a new in-memory replica that accepts only <paramref name="clientIdentity"/>,
    /// and a remote on <paramref name="device"/> (not owned) that accepts only <paramref name="serverIdentity"/>;
    /// with <paramref name="plainTcp"/>, plain TCP on loopback without either.
    /// </summary>
    public static IrminPushWorkload Start(IrminWorkload device, SyncIdentity serverIdentity, SyncIdentity clientIdentity, bool plainTcp)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(serverIdentity);
        ArgumentNullException.ThrowIfNull(clientIdentity);
        var replica = MemoryRepository.Create(StringContents.Instance);
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [StoreName] = SyncStore.Of(replica) },
            new SyncServerOptions { Identity = serverIdentity, AllowedClients = [clientIdentity.Fingerprint], InsecureLoopback = plainTcp });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = new Remote(
            "origin",
            new RemoteUrl(IPAddress.Loopback.ToString(), endPoint.Port, StoreName),
            new RemoteOptions { Identity = clientIdentity, ServerFingerprint = serverIdentity.Fingerprint, InsecureLoopback = plainTcp });
        return new IrminPushWorkload(device, replica, server, remote);
    }

    public async Task PopulateAsync(Layout layout)
    {
        device.Populate(layout);
        await PushAsync();
    }

    public void Commit(string path, string value) => device.Repository.Main.Set(path, value, "change one entry");

    /// <summary>One push; its bytes are what the client wrote plus what it read, TLS records included.</summary>
    public async Task<PushRound> PushAsync()
    {
        var clock = Stopwatch.StartNew();
        var pushed = await remote.PushAsync(deviceStore, BranchName);
        clock.Stop();
        if (pushed.New != device.MainHead || pushed.UpToDate)
        {
            throw new VerificationException($"{Name}: the push moved the server's main from {pushed.Old} to {pushed.New}, expected a move to {device.MainHead}");
        }

        return new PushRound(clock.Elapsed, pushed.Sent.WireBytes + pushed.WireBytesReceived, pushed.Sent.Objects, pushed.Sent.ObjectBytes);
    }

    /// <summary>A fetch of everything into a new in-memory store; its bytes are what the client wrote plus what it read.</summary>
    public async Task<PushRound> CloneAsync()
    {
        using var copy = MemoryRepository.Create(StringContents.Instance);
        var clock = Stopwatch.StartNew();
        var fetched = await remote.FetchAsync(SyncStore.Of(copy));
        clock.Stop();
        if (!copy.Refs.TryRead(remote.TrackingRef(BranchName), out var main) || !replica.TryGetBranch(BranchName, out var served) || main != served)
        {
            throw new VerificationException($"{Name}: the clone's {remote.TrackingRef(BranchName)} is not the server's main");
        }

        return new PushRound(clock.Elapsed, fetched.Received.WireBytes + fetched.WireBytesSent, fetched.Received.Objects, fetched.Received.ObjectBytes);
    }

    public void Verify(IReadOnlyDictionary<string, string> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var head = device.MainHead;
        if (!replica.TryGetBranch(BranchName, out var served) || served != head)
        {
            throw new VerificationException($"{Name}: the server's main is {(replica.TryGetBranch(BranchName, out var h) ? h.ToString() : "<missing>")}, the device's {head}");
        }

        if (!replica.TryGetCommit(served, out var commit))
        {
            throw new VerificationException($"{Name}: the server lacks commit {served}");
        }

        var tree = replica.TreeOf(commit);
        foreach (var (path, value) in expected)
        {
            VerificationException.Check(Name + " (server)", path, tree.TryGetValue(path, out var bytes) ? replica.Decode(bytes) : null, value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        replica.Dispose();
    }
}
