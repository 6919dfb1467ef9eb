using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Sync;

/// <summary>
/// The sending half of an object transfer: offers the hashes in batches, in an order where every
/// object comes after the objects it names, and sends those the receiver says it lacks.
/// </summary>
internal static class ObjectSender
{
    private const int TargetMessageBytes = 1 << 20;

    public static async Task<TransferProgress> SendAsync(
        SyncConnection connection, ObjectDatabase db, IReadOnlyList<Hash> hashes, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        long objects = 0, objectBytes = 0;
        var batch = new List<ReadOnlyMemory<byte>>();
        var batchBytes = 0;
        var maxOffer = connection.Limits.MaxOfferHashes;
        for (var start = 0; start < hashes.Count; start += maxOffer)
        {
            var count = Math.Min(maxOffer, hashes.Count - start);
            MessageCodec.WriteOffer(connection.StartBody(), hashes, start, count);
            await connection.SendAsync(MessageType.Offer, cancellationToken).ConfigureAwait(false);
            var need = MessageCodec.ReadNeed(await connection.ReceiveAsync(cancellationToken, MessageType.Need).ConfigureAwait(false), connection.Peer, count);
            for (var i = 0; i < count; i++)
            {
                if ((need[i >> 3] & (1 << (i & 7))) == 0)
                {
                    continue;
                }

                var bytes = db.ReadRaw(hashes[start + i]);
                if (bytes.Length > connection.Limits.MaxObjectBytes)
                {
                    throw new SyncException(SyncErrorKind.Refused, $"object {hashes[start + i]} is {bytes.Length} bytes, over the {connection.Limits.MaxObjectBytes}-byte limit");
                }

                if (batch.Count > 0 && batchBytes + bytes.Length > TargetMessageBytes)
                {
                    QueueObjects(connection, batch);
                    await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
                    batchBytes = 0;
                }

                batch.Add(bytes);
                batchBytes += bytes.Length;
                objects++;
                objectBytes += bytes.Length;
                progress?.Report(new TransferProgress(objects, objectBytes, connection.BytesSent));
            }

            if (batch.Count > 0)
            {
                QueueObjects(connection, batch);
                batchBytes = 0;
            }
        }

        MessageCodec.WriteEmpty(connection.StartBody());
        connection.Queue(MessageType.End);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new TransferProgress(objects, objectBytes, connection.BytesSent);
    }

    private static void QueueObjects(SyncConnection connection, List<ReadOnlyMemory<byte>> batch)
    {
        var writer = new MessagePackWriter(connection.StartBody());
        writer.WriteArrayHeader(batch.Count);
        foreach (var bytes in batch)
        {
            writer.Write(bytes.Span);
        }

        writer.Flush();
        connection.Queue(MessageType.Objects);
        batch.Clear();
    }
}
