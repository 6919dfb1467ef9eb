using System.Diagnostics;

namespace IrminSharp.Sync;

/// <summary>
/// The time limits of a connection beyond its idle timeout: an object transfer ends within
/// <see cref="SyncLimits.TransferTimeout"/>, and a message, once its first bytes arrived, keeps
/// arriving at <see cref="SyncLimits.MinBytesPerSecond"/> or more, averaged over
/// <see cref="SyncLimits.RateWindow"/>. A peer that sends a byte now and then is therefore
/// dropped, while a slow link that keeps moving, or a peer busy computing between messages, is not.
/// </summary>
internal sealed class TransferPace(SyncLimits limits)
{
    private long? deadline;
    private long? windowStart;
    private long windowBytes;

    /// <summary>Whether a transfer is running and past its deadline.</summary>
    public bool DeadlinePassed => deadline is { } d && Stopwatch.GetTimestamp() >= d;

    /// <summary>Starts a transfer's clock (none when <see cref="SyncLimits.TransferTimeout"/> is infinite or not positive).</summary>
    public void StartTransfer() =>
        deadline = limits.TransferTimeout > TimeSpan.Zero && limits.TransferTimeout < TimeSpan.FromDays(3650)
            ? Stopwatch.GetTimestamp() + (long)(limits.TransferTimeout.TotalSeconds * Stopwatch.Frequency)
            : null;

    /// <summary>Stops the transfer's clock.</summary>
    public void EndTransfer() => deadline = null;

    /// <summary>How long the next wait may last: the idle timeout, or less when the transfer's deadline is nearer.</summary>
    public TimeSpan NextWait()
    {
        if (deadline is not { } d)
        {
            return limits.IdleTimeout;
        }

        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), d);
        return left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : left < limits.IdleTimeout ? left : limits.IdleTimeout;
    }

    /// <summary>A new message is due: its rate is measured from its first bytes.</summary>
    public void StartMessage() => windowStart = null;

    /// <summary>
    /// Bytes of a started message arrived (<paramref name="bytesReceived"/> in all so far); null,
    /// or why the peer is too slow when a window passed with too few.
    /// </summary>
    public string? TooSlow(long bytesReceived)
    {
        var now = Stopwatch.GetTimestamp();
        if (limits.MinBytesPerSecond <= 0)
        {
            return null;
        }

        if (windowStart is not { } start)
        {
            windowStart = now;
            windowBytes = bytesReceived;
            return null;
        }

        var elapsed = Stopwatch.GetElapsedTime(start, now);
        if (elapsed < limits.RateWindow)
        {
            return null;
        }

        var moved = bytesReceived - windowBytes;
        if (moved < limits.MinBytesPerSecond * elapsed.TotalSeconds)
        {
            return $"sent {moved} bytes in {elapsed.TotalSeconds:0.#} s of a message, slower than the minimum rate of {limits.MinBytesPerSecond} bytes/s (MinBytesPerSecond)";
        }

        windowStart = now;
        windowBytes = bytesReceived;
        return null;
    }

    /// <summary>Why a transfer was cut at its deadline.</summary>
    public string DeadlineMessage(string peer) =>
        $"the transfer with {peer} took longer than the time limit of {limits.TransferTimeout.TotalSeconds:0.#} s (TransferTimeout)";
}
