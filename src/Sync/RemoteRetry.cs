using System.Diagnostics;
using System.Net.Sockets;

namespace IrminSharp.Sync;

/// <summary>
/// Runs a client's request again when it failed for a reason that passes (a busy server, a
/// connection refused, reset or lost), with exponential backoff and full jitter, honouring a busy
/// server's retry delay, until <see cref="RemoteOptions.Timeout"/> (docs/protocol/sync.md,
/// "Admission and busy").
/// </summary>
internal static class RemoteRetry
{
    /// <summary>
    /// <paramref name="attempt"/>, again while it fails with an error <paramref name="transient"/>
    /// accepts and the deadline allows; the last error, saying how many attempts were made, when
    /// it does not.
    /// </summary>
    public static async Task<T> RunAsync<T>(RemoteUrl url, RemoteOptions options, Func<CancellationToken, Task<T>> attempt, Func<SyncException, bool> transient, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var attempts = 1; ; attempts++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (SyncException e) when (!cancellationToken.IsCancellationRequested && options.Timeout > TimeSpan.Zero && transient(e))
            {
                var delay = Delay(options, attempts, e.RetryAfter);
                if (clock.Elapsed + delay > options.Timeout)
                {
                    var message = $"{url}: gave up after {attempts} attempt{(attempts == 1 ? "" : "s")} in {clock.Elapsed.TotalSeconds:0.#} s (timeout {options.Timeout.TotalSeconds:0.#} s); the last failed: {e.Message}";
                    throw e.RetryAfter is { } after ? new SyncException(message, after, e) : new SyncException(e.Kind, message, e);
                }

                options.Retrying?.Invoke(new SyncRetry(attempts + 1, delay, e));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> may pass on its own: a busy server, or a connection that could
    /// not be made or broke (not a name that does not resolve). Refusals, authentication and
    /// protocol errors are not retried.
    /// </summary>
    public static bool IsTransient(SyncException e) => e.Kind switch
    {
        SyncErrorKind.Busy => true,
        SyncErrorKind.Unreachable => e.InnerException is not SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData },
        _ => false,
    };

    /// <summary>
    /// The wait before the attempt after <paramref name="attempts"/>: a random time up to the
    /// exponential bound (full jitter), added to the server's retry delay when it gave one, so that
    /// clients told the same delay spread out.
    /// </summary>
    private static TimeSpan Delay(RemoteOptions options, int attempts, TimeSpan? retryAfter)
    {
        var bound = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        bound = Math.Min(bound, options.RetryMaxDelay.TotalMilliseconds);
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound);
        return (retryAfter ?? TimeSpan.Zero) + jitter;
    }
}
