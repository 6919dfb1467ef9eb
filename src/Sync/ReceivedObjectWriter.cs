using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// Stores checked objects as a transfer brings them, and makes them durable whenever
/// <see cref="SyncLimits.StoreBatchBytes"/> of them are waiting, so a store holds a bounded amount
/// of a transfer in memory however large it is. When making them durable fails (a full device),
/// the objects this transfer added and that were not written are dropped
/// (<see cref="IObjectStore.Discard"/>), so that other writers' later commits do not retry them
/// and fail in turn.
/// </summary>
internal sealed class ReceivedObjectWriter(ObjectDatabase db, int batchBytes)
{
    private readonly List<Hash> unwritten = [];
    private long unwrittenBytes;

    /// <summary>Stores one checked object (a no-op when the store has it).</summary>
    public void Add(Hash hash, ReadOnlySpan<byte> bytes)
    {
        if (db.Store.Add(hash, bytes))
        {
            unwritten.Add(hash);
            unwrittenBytes += bytes.Length;
        }
    }

    /// <summary>Makes what is waiting durable once it reaches the batch size.</summary>
    public void FlushIfDue()
    {
        if (unwrittenBytes >= batchBytes)
        {
            Flush();
        }
    }

    /// <summary>Makes every object stored so far durable; on failure drops those not written, then throws.</summary>
    public void Flush()
    {
        if (unwritten.Count == 0)
        {
            return;
        }

        try
        {
            db.Store.Flush();
        }
        catch (Exception e) when (e is IrminException or IOException)
        {
            db.Store.Discard(unwritten);
            throw;
        }
        finally
        {
            unwritten.Clear();
            unwrittenBytes = 0;
        }
    }
}
