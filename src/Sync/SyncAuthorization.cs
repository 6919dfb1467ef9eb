namespace IrminSharp.Sync;

/// <summary>
/// Who may do what on which served store: <see cref="StoreGrant"/>s by client certificate
/// fingerprint. A client with no grant is refused at the handshake; a client asking for a store it
/// has no grant on is told there is no such store, as if it did not exist. Grants for one client
/// add up: the highest access granted on a store, by its name or by <see cref="EveryStore"/>, is
/// the client's access there.
/// </summary>
public sealed class SyncAuthorization
{
    /// <summary>The store name of a grant on every store the server serves.</summary>
    public const string EveryStore = "*";

    private readonly Dictionary<string, Dictionary<string, StoreAccess>> byClient = new(StringComparer.Ordinal);

    /// <summary>An authorization made of <paramref name="grants"/>, their fingerprints normalized.</summary>
    /// <exception cref="ArgumentException">A grant's fingerprint is not one, its store name is empty or its access unknown.</exception>
    public SyncAuthorization(IEnumerable<StoreGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        foreach (var grant in grants)
        {
            ArgumentNullException.ThrowIfNull(grant);
            if (string.IsNullOrEmpty(grant.Store))
            {
                throw new ArgumentException("a grant needs a store name (or '*' for every store)", nameof(grants));
            }

            if (!Enum.IsDefined(grant.Access))
            {
                throw new ArgumentException($"{(int)grant.Access} is not a store access", nameof(grants));
            }

            if (grant.Access == StoreAccess.None)
            {
                continue;
            }

            var client = SyncIdentity.NormalizeFingerprint(grant.Client);
            if (!byClient.TryGetValue(client, out var stores))
            {
                byClient[client] = stores = new Dictionary<string, StoreAccess>(StringComparer.Ordinal);
            }

            stores[grant.Store] = stores.TryGetValue(grant.Store, out var held) && held > grant.Access ? held : grant.Access;
        }

        Grants = [.. byClient.SelectMany(c => c.Value.Select(s => new StoreGrant(c.Key, s.Key, s.Value)))];
    }

    /// <summary>No grants: every client is refused.</summary>
    public static SyncAuthorization None { get; } = new([]);

    /// <summary>The grants, one per client and store name, fingerprints normalized.</summary>
    public IReadOnlyList<StoreGrant> Grants { get; }

    /// <summary>The fingerprints of the clients with a grant on some store: those let past the handshake.</summary>
    public IReadOnlyCollection<string> Clients => byClient.Keys;

    /// <summary>What the client with certificate <paramref name="fingerprint"/> (normalized) may do on the store named <paramref name="store"/>.</summary>
    public StoreAccess AccessOf(string fingerprint, string store)
    {
        if (!byClient.TryGetValue(fingerprint, out var stores))
        {
            return StoreAccess.None;
        }

        var named = stores.GetValueOrDefault(store);
        var everywhere = stores.GetValueOrDefault(EveryStore);
        return named > everywhere ? named : everywhere;
    }

    /// <summary>
    /// What a server with <paramref name="options"/> grants: <see cref="SyncServerOptions.AllowedClients"/>
    /// may push to every store (without force), plus <see cref="SyncServerOptions.Authorization"/>.
    /// </summary>
    internal static SyncAuthorization Of(SyncServerOptions options) =>
        new([.. options.AllowedClients.Select(client => new StoreGrant(client, EveryStore, StoreAccess.Write)), .. options.Authorization.Grants]);
}
