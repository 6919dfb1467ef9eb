using System.Net;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Device identities in a temporary directory, servers on 127.0.0.1 with an ephemeral port, and
/// remotes pinned to them: what every sync test needs.
/// </summary>
public sealed class SyncFixture : IAsyncDisposable
{
    private readonly List<SyncServer> servers = [];
    private readonly List<IDisposable> owned = [];

    public SyncFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("irmin-sync-").FullName;
        ServerIdentity = Identity("server");
        ClientIdentity = Identity("client");
    }

    public string Directory { get; }

    public SyncIdentity ServerIdentity { get; }

    public SyncIdentity ClientIdentity { get; }

    public List<string> ServerLog { get; } = [];

    /// <summary>A new device identity, created in the fixture's directory.</summary>
    public SyncIdentity Identity(string name)
    {
        var identity = SyncIdentity.LoadOrCreate(Path.Combine(Directory, name + ".p12"));
        owned.Add(identity);
        return identity;
    }

    public static Repository<long> CounterRepository() => MemoryRepository.Create(CounterContents.Instance);

    public static Repository<string> StringRepository() => MemoryRepository.Create(StringContents.Instance);

    /// <summary>Serves <paramref name="store"/> as "default", allowing <see cref="ClientIdentity"/> plus <paramref name="alsoAllowed"/>.</summary>
    public IPEndPoint Serve(SyncStore store, SyncLimits? limits = null, params SyncIdentity[] alsoAllowed)
    {
        var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = store },
            new SyncServerOptions
            {
                Identity = ServerIdentity,
                AllowedClients = [ClientIdentity.Fingerprint, .. alsoAllowed.Select(i => i.Fingerprint)],
                Limits = limits ?? SyncLimits.Default,
                Log = line =>
                {
                    lock (ServerLog)
                    {
                        ServerLog.Add(line);
                    }
                },
            });
        servers.Add(server);
        return server.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    /// <summary>
    /// A remote "origin" for <paramref name="endPoint"/>, as <paramref name="identity"/> (default:
    /// the client), making one attempt only (ClientRetryTests and AdmissionTests test retries).
    /// </summary>
    public Remote RemoteTo(IPEndPoint endPoint, SyncIdentity? identity = null, SyncLimits? limits = null, string? serverFingerprint = null) =>
        new("origin", new RemoteUrl("127.0.0.1", endPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions
        {
            Identity = identity ?? ClientIdentity,
            ServerFingerprint = serverFingerprint ?? ServerIdentity.Fingerprint,
            Limits = limits ?? SyncLimits.Default,
            Timeout = TimeSpan.Zero,
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        foreach (var d in owned)
        {
            d.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
