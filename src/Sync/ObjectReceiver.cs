using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// The receiving half of an object transfer: answers each offer with the objects it lacks,
/// checks every object that arrives, and stores each objects message once all of it is checked.
/// What arrived before a break stays stored, so a retry is offered it again and declines it.
/// With the stream capability the sender may, after an offer the receiver needed whole, send the
/// rest unoffered. Each transfer is held to a budget (<see cref="TransferBudget"/>) and its
/// objects are made durable in bounded batches (<see cref="ReceivedObjectWriter"/>).
/// </summary>
internal static class ObjectReceiver
{
    private static readonly MessageType[] OfferingTypes = [MessageType.Offer, MessageType.End];
    private static readonly MessageType[] StreamingTypes = [MessageType.Offer, MessageType.Stream, MessageType.End];
    private static readonly MessageType[] ZlibStreamingTypes = [MessageType.Offer, MessageType.Stream, MessageType.StreamZlib, MessageType.End];
    private static readonly MessageType[] StreamOnlyTypes = [MessageType.Stream, MessageType.End];
    private static readonly MessageType[] ZlibStreamOnlyTypes = [MessageType.Stream, MessageType.StreamZlib, MessageType.End];
    private static readonly MessageType[] ObjectsTypes = [MessageType.Objects];
    private static readonly MessageType[] ZlibObjectsTypes = [MessageType.Objects, MessageType.ObjectsZlib];

    public static async Task<TransferProgress> ReceiveAsync(
        SyncConnection connection, ObjectDatabase db, NodeDepths depths, AgreedFeatures features, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var hashSize = db.Schema.HashSize;
        var deltas = features.Deltas;
        var verifier = new ObjectVerifier(db, connection.Limits, depths, connection.Peer);
        var budget = new TransferBudget(connection);
        var writer = new ReceivedObjectWriter(db, connection.Limits.StoreBatchBytes);
        long objects = 0, objectBytes = 0;
        var offered = new HashSet<Hash>();

        // Stream messages follow an offer the receiver needed whole; after the first, only more
        // stream messages and the end (the sender offers no more).
        var mayStream = false;
        var streaming = false;
        connection.StartTransfer();
        try
        {
            while (true)
            {
                var frame = await connection.ReceiveAsync(cancellationToken, ExpectedNext(features, mayStream, streaming)).ConfigureAwait(false);
                if (frame.Type == (byte)MessageType.End)
                {
                    MessageCodec.ReadEmpty(frame, connection.Peer);
                    writer.Flush();
                    return new TransferProgress(objects, objectBytes, connection.BytesReceived);
                }

                if (frame.Type is (byte)MessageType.Stream or (byte)MessageType.StreamZlib)
                {
                    streaming = true;
                    budget.StartMessage(frame.Body.Length);
                    frame = MessageCompression.Expand(frame, connection);
                    var streamed = MessageCodec.ReadObjects(frame, connection.Peer, hashSize, connection.Limits.MaxObjectBytes);
                    if (streamed.Count == 0)
                    {
                        throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent an empty stream message");
                    }

                    foreach (var entry in streamed)
                    {
                        CheckDelta(entry, deltas, connection);
                        budget.Count(entry.Bytes.Length + (long)entry.Prefix + entry.Suffix);
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
                    verifier.Commit(writer);
                    writer.FlushIfDue();
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
                mayStream = needed.Count == offer.Count;

                var next = 0;
                while (next < needed.Count)
                {
                    var compressed = await connection.ReceiveAsync(cancellationToken, features.Compression ? ZlibObjectsTypes : ObjectsTypes).ConfigureAwait(false);
                    budget.StartMessage(compressed.Body.Length);
                    var batch = MessageCompression.Expand(compressed, connection);
                    var arrived = MessageCodec.ReadObjects(batch, connection.Peer, hashSize, connection.Limits.MaxObjectBytes);
                    if (arrived.Count == 0 || arrived.Count > needed.Count - next)
                    {
                        throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent {arrived.Count} objects where {needed.Count - next} were due");
                    }

                    foreach (var entry in arrived)
                    {
                        CheckDelta(entry, deltas, connection);
                        budget.Count(entry.Bytes.Length + (long)entry.Prefix + entry.Suffix);
                        var bytes = entry.Base is { } deltaBase ? verifier.Rebuild(needed[next], deltaBase, entry) : entry.Bytes;
                        verifier.Check(needed[next++], bytes);
                        objectBytes += bytes.Length;
                    }

                    objects += arrived.Count;
                    verifier.Commit(writer);
                    writer.FlushIfDue();
                    progress?.Report(new TransferProgress(objects, objectBytes, connection.BytesReceived));
                }
            }
        }
        catch
        {
            FlushAfterBreak(writer);
            throw;
        }
        finally
        {
            connection.EndTransfer();
        }
    }

    /// <summary>
    /// After a break: makes what arrived durable, so that a retry, even after a restart, resumes.
    /// A failure to write is not the transfer's error (and its objects are dropped by then).
    /// </summary>
    private static void FlushAfterBreak(ReceivedObjectWriter writer)
    {
        try
        {
            writer.Flush();
        }
        catch (Exception e) when (e is IrminException or IOException)
        {
            // The transfer's own error says more; the unwritten objects are dropped.
        }
    }

    private static MessageType[] ExpectedNext(AgreedFeatures features, bool mayStream, bool streaming) =>
        !features.Stream || !mayStream ? OfferingTypes
        : streaming ? (features.Compression ? ZlibStreamOnlyTypes : StreamOnlyTypes)
        : features.Compression ? ZlibStreamingTypes : StreamingTypes;

    private static void CheckDelta(ObjectEntry entry, bool deltas, SyncConnection connection)
    {
        if (entry.Base is not null && !deltas)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent a delta, and the delta capability was not agreed");
        }
    }
}
