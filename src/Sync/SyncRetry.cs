namespace IrminSharp.Sync;

/// <summary>A client about to try again: attempt <paramref name="Attempt"/> starts after <paramref name="Delay"/>, because of <paramref name="Error"/>.</summary>
/// <param name="Attempt">The number of the attempt about to start (2 for the first retry).</param>
/// <param name="Delay">How long the client waits before it.</param>
/// <param name="Error">Why the previous attempt failed.</param>
public sealed record SyncRetry(int Attempt, TimeSpan Delay, SyncException Error);
