namespace IrminSharp.Sync;

/// <summary>
/// One grant of a server's authorization: the client with certificate <paramref name="Client"/>
/// (a fingerprint, as <see cref="SyncIdentity.NormalizeFingerprint"/> accepts it) may do
/// <paramref name="Access"/> on the store named <paramref name="Store"/>, or on every served store
/// when it is <see cref="SyncAuthorization.EveryStore"/>.
/// </summary>
/// <param name="Client">The client certificate's fingerprint.</param>
/// <param name="Store">The store's name as clients ask for it, or <see cref="SyncAuthorization.EveryStore"/>.</param>
/// <param name="Access">What the client may do there.</param>
public sealed record StoreGrant(string Client, string Store, StoreAccess Access);
