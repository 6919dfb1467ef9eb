namespace IrminSharp.Sync;

/// <summary>
/// What one object transfer may still bring (<see cref="SyncLimits.MaxTransferBytes"/>,
/// <see cref="SyncLimits.MaxTransferObjects"/>, and the connection's
/// <see cref="SyncLimits.MaxConnectionBytes"/>), and how far one message may expand
/// (<see cref="SyncLimits.MaxExpansionRatio"/>). Every object is counted at its expanded size
/// before it is rebuilt, so a refused object is never allocated.
/// </summary>
internal sealed class TransferBudget
{
    private readonly SyncConnection connection;
    private readonly SyncLimits limits;
    private long messageWireBytes;
    private long messageExpandedBytes;

    public TransferBudget(SyncConnection connection)
    {
        this.connection = connection;
        limits = connection.Limits;
    }

    /// <summary>Object bytes (expanded) this transfer has brought.</summary>
    public long Bytes { get; private set; }

    /// <summary>Objects this transfer has brought.</summary>
    public long Objects { get; private set; }

    /// <summary>The most bytes a message of <paramref name="wireBytes"/> bytes on the wire may expand to.</summary>
    public static long ExpansionBound(SyncLimits limits, long wireBytes) => Math.Min(
        (wireBytes * limits.MaxExpansionRatio) + limits.ExpansionAllowanceBytes,
        Math.Max(limits.MaxMessageExpandedBytes, (long)limits.MaxObjectBytes + limits.ExpansionAllowanceBytes));

    /// <summary>Starts counting a message that was <paramref name="wireBytes"/> bytes on the wire (compressed, when it was).</summary>
    public void StartMessage(long wireBytes)
    {
        messageWireBytes = wireBytes;
        messageExpandedBytes = 0;
    }

    /// <summary>Counts one object of <paramref name="expandedBytes"/> bytes, before it is rebuilt; refuses it past any limit.</summary>
    public void Count(long expandedBytes)
    {
        messageExpandedBytes += expandedBytes;
        var bound = ExpansionBound(limits, messageWireBytes);
        if (messageExpandedBytes > bound)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{connection.Peer} sent a message of {messageWireBytes} bytes whose objects expand past {bound} bytes (the expansion limit: {limits.MaxExpansionRatio} times its size plus {limits.ExpansionAllowanceBytes} bytes, at most {limits.MaxMessageExpandedBytes} bytes)");
        }

        Bytes += expandedBytes;
        Objects++;
        connection.ObjectBytesReceived += expandedBytes;
        if (Bytes > limits.MaxTransferBytes)
        {
            throw new SyncException(SyncErrorKind.Refused, $"{connection.Peer} sent more than {limits.MaxTransferBytes} bytes of objects in one transfer (the transfer limit, MaxTransferBytes); what arrived before is kept, a retry resumes");
        }

        if (Objects > limits.MaxTransferObjects)
        {
            throw new SyncException(SyncErrorKind.Refused, $"{connection.Peer} sent more than {limits.MaxTransferObjects} objects in one transfer (the transfer limit, MaxTransferObjects); what arrived before is kept, a retry resumes");
        }

        if (connection.ObjectBytesReceived > limits.MaxConnectionBytes)
        {
            throw new SyncException(SyncErrorKind.Refused, $"{connection.Peer} sent more than {limits.MaxConnectionBytes} bytes of objects on one connection (the connection limit, MaxConnectionBytes)");
        }
    }
}
