using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// The receiving half of an object transfer: answers each offer with the objects it lacks,
/// checks every object that arrives, and stores each objects message once all of it is checked.
/// What arrived before a break stays stored, so a retry is offered it again and declines it.
/// With the stream capability the sender may, after a batch needed whole, send the rest unoffered.
/// </summary>
internal static class ObjectReceiver
{
    private static readonly MessageType[] OfferingTypes = [MessageType.Offer, MessageType.End];
    private static readonly MessageType[] StreamingTypes = [MessageType.Offer, MessageType.Stream, MessageType.End];
    private static readonly MessageType[] ZlibStreamingTypes = [MessageType.Offer, MessageType.Stream, MessageType.StreamZlib, MessageType.End];
    private static readonly MessageType[] ObjectsTypes = [MessageType.Objects];
    private static readonly MessageType[] ZlibObjectsTypes = [MessageType.Objects, MessageType.ObjectsZlib];

    public static async Task<TransferProgress> ReceiveAsync(
        SyncConnection connection, ObjectDatabase db, NodeDepths depths, AgreedFeatures features, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var hashSize = db.Schema.HashSize;
        var deltas = features.Deltas;
        var verifier = new ObjectVerifier(db, connection.Limits, depths, connection.Peer);
        long objects = 0, objectBytes = 0;
        var offered = new HashSet<Hash>();
        try
        {
            while (true)
            {
                var frame = await connection.ReceiveAsync(cancellationToken, !features.Stream ? OfferingTypes : features.Compression ? ZlibStreamingTypes : StreamingTypes).ConfigureAwait(false);
                if (frame.Type == (byte)MessageType.End)
                {
                    MessageCodec.ReadEmpty(frame, connection.Peer);
                    return new TransferProgress(objects, objectBytes, connection.BytesReceived);
                }

                if (frame.Type is (byte)MessageType.Stream or (byte)MessageType.StreamZlib)
                {
                    frame = MessageCompression.Expand(frame, connection);
                    var streamed = MessageCodec.ReadObjects(frame, connection.Peer, hashSize, connection.Limits.MaxObjectBytes);
                    if (streamed.Count == 0)
                    {
                        throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent an empty stream message");
                    }

                    foreach (var entry in streamed)
                    {
                        CheckDelta(entry, deltas, connection);
                        var bytes = entry.Base is { } b ? verifier.Rebuild(null, b, entry) : entry.Bytes;
                        var hash = db.Schema.ComputeHash(bytes.Span);
                        if (!offered.Add(hash))
                        {
                            throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent {hash} twice");
                        }

                        verifier.Check(hash, bytes);
                        objectBytes += bytes.Length;
                    }

                    objects += streamed.Count;
                    verifier.Commit();
                    progress?.Report(new TransferProgress(objects, objectBytes, connection.BytesReceived));
                    continue;
                }

                var offer = MessageCodec.ReadOffer(frame, connection.Peer, hashSize, connection.Limits.MaxOfferHashes);
                if (offer.Count == 0)
                {
                    throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent an empty offer");
                }

                // Each hash is offered once a transfer, so a transfer ends within the store's size
                // plus the objects really sent.
                foreach (var hash in offer)
                {
                    if (!offered.Add(hash))
                    {
                        throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} offered {hash} twice");
                    }
                }

                var bitmap = new byte[(offer.Count + 7) / 8];
                var needed = new List<Hash>();
                for (var i = 0; i < offer.Count; i++)
                {
                    if (!db.Contains(offer[i]))
                    {
                        bitmap[i >> 3] |= (byte)(1 << (i & 7));
                        needed.Add(offer[i]);
                    }
                }

                MessageCodec.WriteNeed(connection.StartBody(), bitmap);
                await connection.SendAsync(MessageType.Need, cancellationToken).ConfigureAwait(false);

                var next = 0;
                while (next < needed.Count)
                {
                    var batch = MessageCompression.Expand(
                        await connection.ReceiveAsync(cancellationToken, features.Compression ? ZlibObjectsTypes : ObjectsTypes).ConfigureAwait(false), connection);
                    var arrived = MessageCodec.ReadObjects(batch, connection.Peer, hashSize, connection.Limits.MaxObjectBytes);
                    if (arrived.Count == 0 || arrived.Count > needed.Count - next)
                    {
                        throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent {arrived.Count} objects where {needed.Count - next} were due");
                    }

                    foreach (var entry in arrived)
                    {
                        CheckDelta(entry, deltas, connection);
                        var bytes = entry.Base is { } deltaBase ? verifier.Rebuild(needed[next], deltaBase, entry) : entry.Bytes;
                        verifier.Check(needed[next++], bytes);
                        objectBytes += bytes.Length;
                    }

                    objects += arrived.Count;
                    verifier.Commit();
                    progress?.Report(new TransferProgress(objects, objectBytes, connection.BytesReceived));
                }
            }
        }
        finally
        {
            // Make what arrived durable, so that a retry after a break, even after a restart, resumes.
            if (objects > 0)
            {
                db.Store.Flush();
            }
        }
    }

    private static void CheckDelta(ObjectEntry entry, bool deltas, SyncConnection connection)
    {
        if (entry.Base is not null && !deltas)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent a delta, and the delta capability was not agreed");
        }
    }
}
