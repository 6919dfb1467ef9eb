using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// The sending half of an object transfer: offers the hashes in batches, in an order where every
/// object comes after the objects it names, and sends those the receiver says it lacks, as deltas
/// against their older versions where that is smaller and the receiver accepts deltas.
/// </summary>
internal static class ObjectSender
{
    private const int TargetMessageBytes = 1 << 20;

    public static async Task<TransferProgress> SendAsync(
        SyncConnection connection, ObjectDatabase db, IReadOnlyList<MissingObject> objects, AgreedFeatures features, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        connection.StartTransfer();
        try
        {
            return await SendObjectsAsync(connection, db, objects, features, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.EndTransfer();
        }
    }

    private static async Task<TransferProgress> SendObjectsAsync(
        SyncConnection connection, ObjectDatabase db, IReadOnlyList<MissingObject> objects, AgreedFeatures features, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var deltas = features.Deltas;
        var stream = features.Stream;
        var streaming = false;
        long sentObjects = 0, objectBytes = 0;
        var batch = new List<ObjectEntry>();
        var batchBytes = 0;
        long batchExpanded = 0;
        var maxOffer = connection.Limits.MaxOfferHashes;
        for (var start = 0; start < objects.Count; start += maxOffer)
        {
            var count = Math.Min(maxOffer, objects.Count - start);
            byte[]? need = null;
            if (!streaming)
            {
                MessageCodec.WriteOffer(connection.StartBody(), objects, start, count);
                await connection.SendAsync(MessageType.Offer, cancellationToken).ConfigureAwait(false);
                need = MessageCodec.ReadNeed(await connection.ReceiveAsync(cancellationToken, MessageType.Need).ConfigureAwait(false), connection.Peer, count);
            }

            var type = streaming ? MessageType.Stream : MessageType.Objects;
            var neededAll = need is not null;
            for (var i = 0; i < count; i++)
            {
                if (need is not null && (need[i >> 3] & (1 << (i & 7))) == 0)
                {
                    neededAll = false;
                    continue;
                }

                var item = objects[start + i];
                var bytes = db.ReadRaw(item.Hash);
                if (bytes.Length > connection.Limits.MaxObjectBytes)
                {
                    throw new SyncException(SyncErrorKind.Refused, $"object {item.Hash} is {bytes.Length} bytes, over the {connection.Limits.MaxObjectBytes}-byte limit");
                }

                var entry = deltas && item.DeltaBase is { } b ? Delta(db, b, bytes, connection.Limits) : new ObjectEntry(bytes, null, 0, 0);

                // A message's objects stay within what the receiver accepts from its size (the expansion limit).
                if (batch.Count > 0 && (batchBytes + entry.Bytes.Length > TargetMessageBytes
                    || batchExpanded + bytes.Length > TransferBudget.ExpansionBound(connection.Limits, batchBytes + entry.Bytes.Length)))
                {
                    Queue(connection, batch, type, features.Compression, batchExpanded);
                    await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
                    batchBytes = 0;
                    batchExpanded = 0;
                }

                batch.Add(entry);
                batchBytes += entry.Bytes.Length;
                batchExpanded += bytes.Length;
                sentObjects++;
                objectBytes += bytes.Length;
                progress?.Report(new TransferProgress(sentObjects, objectBytes, connection.BytesSent));
            }

            if (batch.Count > 0)
            {
                Queue(connection, batch, type, features.Compression, batchExpanded);
                batchBytes = 0;
                batchExpanded = 0;
            }

            // A whole batch needed: the receiver is empty of what follows, most likely. Stop offering.
            streaming |= stream && neededAll && count == maxOffer;
        }

        MessageCodec.WriteEmpty(connection.StartBody());
        connection.Queue(MessageType.End);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new TransferProgress(sentObjects, objectBytes, connection.BytesSent);
    }

    /// <summary>
    /// The object as a delta against <paramref name="deltaBase"/> when that is clearly smaller and
    /// within the expansion limit, else whole.
    /// </summary>
    private static ObjectEntry Delta(ObjectDatabase db, Hash deltaBase, ReadOnlyMemory<byte> bytes, SyncLimits limits)
    {
        if (bytes.Length <= ObjectDelta.Overhead * 2 || !db.Store.TryRead(deltaBase, out var old))
        {
            return new ObjectEntry(bytes, null, 0, 0);
        }

        var (prefix, suffix) = ObjectDelta.Shared(old.Span, bytes.Span);
        var middle = bytes[prefix..^suffix];
        return middle.Length + ObjectDelta.Overhead < bytes.Length && bytes.Length <= TransferBudget.ExpansionBound(limits, middle.Length)
            ? new ObjectEntry(middle, deltaBase, prefix, suffix)
            : new ObjectEntry(bytes, null, 0, 0);
    }

    private static void Queue(SyncConnection connection, List<ObjectEntry> batch, MessageType type, bool compression, long expandedBytes)
    {
        MessageCodec.WriteObjects(connection.StartBody(), batch);
        if (!compression || !MessageCompression.TryQueueCompressed(connection, type == MessageType.Stream ? MessageType.StreamZlib : MessageType.ObjectsZlib, expandedBytes))
        {
            connection.Queue(type);
        }

        batch.Clear();
    }
}
