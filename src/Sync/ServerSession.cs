using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>One client's connection to a server: hello, then list-refs, fetch and push requests until it hangs up.</summary>
internal sealed class ServerSession
{
    private readonly SyncConnection connection;
    private readonly IReadOnlyDictionary<string, SyncStore> stores;
    private readonly SyncServerOptions options;
    private readonly SyncAuthorization authorization;
    private IReadOnlyList<string> clientCapabilities = [];
    private StoreAccess access;
    private string storeName = "";
    private int refUpdates;

    // The tips of the refs last listed to this client: what it may fetch besides the current tips.
    private HashSet<Hash> advertised = [];

    public ServerSession(SyncConnection connection, IReadOnlyDictionary<string, SyncStore> stores, SyncServerOptions options, SyncAuthorization authorization)
    {
        this.connection = connection;
        this.stores = stores;
        this.options = options;
        this.authorization = authorization;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var store = await GreetAsync(cancellationToken).ConfigureAwait(false);
            while (await connection.ReceiveOrEndAsync(allowEnd: true, [MessageType.ListRefs, MessageType.Fetch, MessageType.Push], cancellationToken).ConfigureAwait(false) is { } request)
            {
                switch ((MessageType)request.Type)
                {
                    case MessageType.ListRefs:
                        MessageCodec.ReadEmpty(request, connection.Peer);
                        var shared = SharedRefs(store.Refs);
                        advertised = [.. shared.Select(r => r.Value)];
                        MessageCodec.Write(connection.StartBody(), shared);
                        await connection.SendAsync(MessageType.Refs, cancellationToken).ConfigureAwait(false);
                        break;
                    case MessageType.Fetch:
                        await ServeFetchAsync(store, MessageCodec.ReadFetch(request, connection.Peer, store.Objects.Schema.HashSize), cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        MessageCodec.ReadEmpty(request, connection.Peer);
                        await ServePushAsync(store, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (SyncException e) when (e.Kind is SyncErrorKind.Unreachable or SyncErrorKind.Timeout)
        {
            SyncMetrics.SessionFailed(e.Kind);
            options.Log?.Invoke($"{connection.Peer}: {e.Message}");
        }
        catch (Exception e) when (e is SyncException or IrminException)
        {
            var kind = e is SyncException s ? s.Kind : SyncErrorKind.Refused;
            SyncMetrics.SessionFailed(kind);
            options.Log?.Invoke($"{connection.Peer}: {e.Message}");
            await TrySendErrorAsync(kind, e.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The refs a client sees: branches and tags.</summary>
    internal static List<KeyValuePair<string, Hash>> SharedRefs(IRefStore refs) =>
        [.. refs.List("heads/"), .. refs.List("tags/")];

    private async Task<SyncStore> GreetAsync(CancellationToken cancellationToken)
    {
        var hello = MessageCodec.ReadHello(await connection.ReceiveAsync(cancellationToken, MessageType.Hello).ConfigureAwait(false), connection.Peer);
        if (hello.Version != MessageCodec.ProtocolVersion)
        {
            throw new SyncException(SyncErrorKind.Incompatible, $"protocol version {hello.Version} is not supported (this server speaks {MessageCodec.ProtocolVersion})");
        }

        // The same answer whether the store does not exist or the client may not open it: the
        // names of stores are not told to clients who cannot open them.
        var granted = connection.ClientFingerprint is { } client ? authorization.AccessOf(client, hello.Store) : options.InsecureLoopbackAccess;
        if (granted < StoreAccess.Read || !stores.TryGetValue(hello.Store, out var store))
        {
            if (granted < StoreAccess.Read && stores.ContainsKey(hello.Store))
            {
                options.Log?.Invoke($"{connection.Peer}: {ClientName()} has no grant on store '{hello.Store}'"); // for the server's operator only
            }

            throw new SyncException(SyncErrorKind.Refused, $"no store named '{hello.Store}' here");
        }

        access = granted;
        storeName = hello.Store;

        if (hello.Schema.Length > 0 && hello.Schema != store.Schema)
        {
            throw new SyncException(SyncErrorKind.Incompatible, $"store '{hello.Store}' uses schema {store.Schema}, the client {hello.Schema}");
        }

        if (hello.ContentType.Length > 0 && hello.ContentType != store.ContentType)
        {
            throw new SyncException(SyncErrorKind.Incompatible, $"store '{hello.Store}' holds {store.ContentType} contents, the client {hello.ContentType}");
        }

        clientCapabilities = hello.Capabilities;
        MessageCodec.Write(connection.StartBody(), new WelcomeMessage(MessageCodec.ProtocolVersion, store.Schema, store.ContentType, Capabilities.Supported));
        await connection.SendAsync(MessageType.Welcome, cancellationToken).ConfigureAwait(false);
        return store;
    }

    private async Task ServeFetchAsync(SyncStore store, FetchMessage fetch, CancellationToken cancellationToken)
    {
        // Only commits advertised to this client (git's "not our ref"): not any commit stored,
        // which may be reachable only from refs it is not shown, or from none.
        HashSet<Hash>? current = null;
        foreach (var want in fetch.Wants)
        {
            if (!advertised.Contains(want) && !(current ??= [.. SharedRefs(store.Refs).Select(r => r.Value)]).Contains(want))
            {
                throw new SyncException(SyncErrorKind.Refused, $"commit {want} is not the tip of a branch or tag of store '{storeName}'; list refs and fetch their tips");
            }

            if (!store.Objects.TryReadCommit(want, out _))
            {
                throw new SyncException(SyncErrorKind.Refused, $"commit {want} is not in store");
            }
        }

        var missing = MissingObjects.ComputeWithBases(store.Objects, fetch.Wants, fetch.Haves);
        var sent = await ObjectSender.SendAsync(connection, store.Objects, missing, AgreedFeatures.With(clientCapabilities), progress: null, cancellationToken).ConfigureAwait(false);
        SyncMetrics.FetchServed();
        options.Log?.Invoke($"{connection.Peer}: fetch sent {sent.Objects} objects ({sent.ObjectBytes} bytes)");
    }

    private async Task ServePushAsync(SyncStore store, CancellationToken cancellationToken)
    {
        // Refused before any object is received: a reader adds nothing to the store.
        if (access < StoreAccess.Write)
        {
            throw new SyncException(SyncErrorKind.Unauthorized, $"{ClientName()} may read store '{storeName}' but not push to it");
        }

        var collections = store.Objects.Store.Collections;
        var received = await ObjectReceiver.ReceiveAsync(connection, store.Objects, store.Depths, AgreedFeatures.With(clientCapabilities), progress: null, cancellationToken).ConfigureAwait(false);
        var update = MessageCodec.ReadRefUpdate(
            await connection.ReceiveAsync(cancellationToken, MessageType.RefUpdate).ConfigureAwait(false), connection.Peer, store.Objects.Schema.HashSize);
        RefUpdater.CheckLimits(store, update, options.Limits, ++refUpdates);
        RelyOnlyOnWrittenObjects(store, collections);
        RefUpdater.Apply(store, update, forceGranted: access >= StoreAccess.Force);
        MessageCodec.WriteHashOnly(connection.StartBody(), update.Desired);
        await connection.SendAsync(MessageType.RefUpdated, cancellationToken).ConfigureAwait(false);
        SyncMetrics.PushServed();
        options.Log?.Invoke($"{connection.Peer}: push received {received.Objects} objects, {update.Name} → {update.Desired.ToShortString()}");
    }

    /// <summary>
    /// The push declined objects the store held, some perhaps only waiting to be written, added by
    /// another transfer. Writing what waits makes those durable; if, before that, a failed
    /// transfer dropped what it had added (or a gc ran), objects the push relied on may be gone:
    /// it is refused as busy, and the client's retry is offered them again.
    /// </summary>
    private static void RelyOnlyOnWrittenObjects(SyncStore store, long collectionsAtStart)
    {
        store.Objects.Store.Flush();
        if (store.Objects.Store.Collections != collectionsAtStart)
        {
            throw new SyncException(SyncErrorKind.Busy, "objects this push relied on were dropped or moved while it ran (a failed transfer or a gc); push again");
        }
    }

    private string ClientName() => connection.ClientFingerprint is { } client ? "certificate " + client : "this client";

    private Task TrySendErrorAsync(SyncErrorKind kind, string message, CancellationToken cancellationToken) =>
        TryRefuseAsync(connection, kind, message, cancellationToken);

    /// <summary>Sends an error message, if the client is still there to read it.</summary>
    internal static async Task TryRefuseAsync(SyncConnection connection, SyncErrorKind kind, string message, CancellationToken cancellationToken)
    {
        try
        {
            MessageCodec.Write(connection.StartBody(), new ErrorMessage(kind, message));
            await connection.SendAsync(MessageType.Error, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncException)
        {
            // The client is gone; nothing more to tell it.
        }
    }
}
