using System.Diagnostics.Metrics;

namespace IrminSharp.Sync;

/// <summary>
/// The sync server's instruments, in one <see cref="Meter"/> named <see cref="MeterName"/>: what a
/// hub reports to its monitoring (<c>irmin serve --metrics</c> exposes them to Prometheus). Each
/// instrument is recorded by a one-line call from the code that sees the event.
/// </summary>
/// <remarks>
/// Instrument names are short (the meter names the scope): <c>irmin serve --metrics</c> shows
/// <c>transfers</c> as <c>irminsharp_sync_transfers</c>. See docs/protocol/sync.md, "Metrics".
/// </remarks>
public static class SyncMetrics
{
    /// <summary>The name of the meter that holds every instrument of the sync server.</summary>
    public const string MeterName = "IrminSharp.Sync";

    /// <summary>The tag that says why a connection or handshake was refused.</summary>
    public const string ReasonTag = "reason";

    /// <summary>The tag that says which transfer (fetch or push) was served.</summary>
    public const string KindTag = "kind";

    private static readonly Meter SyncMeter = new(MeterName);

    private static readonly UpDownCounter<long> OpenConnections = SyncMeter.CreateUpDownCounter<long>(
        "connections", "{connection}", "Connections open now (in their handshake or served)");

    private static readonly Counter<long> AcceptedConnections = SyncMeter.CreateCounter<long>(
        "connections.accepted", "{connection}", "Connections accepted since the server started");

    private static readonly Counter<long> RefusedConnections = SyncMeter.CreateCounter<long>(
        "connections.refused", "{connection}", "Connections refused, by reason (capacity, handshakes, handshake, busy)");

    private static readonly Counter<long> QueuedHandshakes = SyncMeter.CreateCounter<long>(
        "handshakes.queued", "{handshake}", "Handshakes that waited in the queue for a free slot");

    private static readonly Counter<long> Transfers = SyncMeter.CreateCounter<long>(
        "transfers", "{transfer}", "Transfers served to the end, by kind (fetch, push)");

    private static readonly Counter<long> SentBytes = SyncMeter.CreateCounter<long>(
        "bytes.sent", "By", "Bytes sent on the wire (TLS records included)");

    private static readonly Counter<long> ReceivedBytes = SyncMeter.CreateCounter<long>(
        "bytes.received", "By", "Bytes received on the wire (TLS records included)");

    private static readonly Counter<long> Errors = SyncMeter.CreateCounter<long>(
        "errors", "{error}", "Sessions that ended on an error, by kind (SyncErrorKind)");

    private static readonly Counter<long> PushConflicts = SyncMeter.CreateCounter<long>(
        "push.conflicts", "{push}", "Ref updates refused because the ref had moved (the pusher must fetch and merge)");

    /// <summary>A connection was accepted and will be served: open and accepted both grow by one.</summary>
    public static void ConnectionOpened()
    {
        AcceptedConnections.Add(1);
        OpenConnections.Add(1);
    }

    /// <summary>
    /// A connection accepted by <see cref="ConnectionOpened"/> has closed; what it sent and received
    /// on the wire, if it got as far as a connection, is added to the byte counters.
    /// </summary>
    internal static void ConnectionClosed(SyncConnection? connection)
    {
        OpenConnections.Add(-1);
        if (connection is not null)
        {
            SentBytes.Add(connection.BytesSent);
            ReceivedBytes.Add(connection.BytesReceived);
        }
    }

    /// <summary>
    /// A connection was refused: <c>capacity</c> (already serving the most connections),
    /// <c>handshakes</c> (too many handshakes from its address), <c>handshake</c> (the TLS
    /// handshake failed or its certificate is not allowed), <c>busy</c> (told to come back later).
    /// </summary>
    public static void ConnectionRefused(string reason) =>
        RefusedConnections.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    /// <summary>A handshake had to wait in the queue for a free slot (for the admission code to call).</summary>
    public static void HandshakeQueued() => QueuedHandshakes.Add(1);

    /// <summary>A client was answered <c>busy</c> and told to come back later (for the admission code to call).</summary>
    public static void BusyAnswered() => ConnectionRefused("busy");

    /// <summary>A fetch was served to the end.</summary>
    public static void FetchServed() => Transfers.Add(1, new KeyValuePair<string, object?>(KindTag, "fetch"));

    /// <summary>A push was received and its ref updated.</summary>
    public static void PushServed() => Transfers.Add(1, new KeyValuePair<string, object?>(KindTag, "push"));

    /// <summary>A session ended on an error of <paramref name="kind"/>.</summary>
    public static void SessionFailed(SyncErrorKind kind) =>
        Errors.Add(1, new KeyValuePair<string, object?>(KindTag, KindName(kind)));

    /// <summary>A pushed ref update was refused because the ref had moved since the pusher read it.</summary>
    public static void PushConflict() => PushConflicts.Add(1);

    /// <summary>The tag value of an error kind: its name in lower case (<c>diverged</c>, <c>timeout</c>…).</summary>
    public static string KindName(SyncErrorKind kind) => kind switch
    {
        SyncErrorKind.Unreachable => "unreachable",
        SyncErrorKind.Unauthorized => "unauthorized",
        SyncErrorKind.Incompatible => "incompatible",
        SyncErrorKind.Refused => "refused",
        SyncErrorKind.Diverged => "diverged",
        SyncErrorKind.Protocol => "protocol",
        SyncErrorKind.Timeout => "timeout",
        _ => "other",
    };
}
