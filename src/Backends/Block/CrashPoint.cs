namespace IrminSharp.Backends.Block;

/// <summary>
/// Where a power loss struck a recorded write stream: <paramref name="Writes"/> writes had been
/// issued (k) and <paramref name="Flushes"/> flushes had completed (f). The writes among the first
/// k whose epoch (<see cref="WriteRecord.FlushesBefore"/>) is below f are durable, in order; those
/// with epoch f are unflushed: any subset of them may have landed, in any order, some torn.
/// </summary>
/// <param name="Writes">The writes issued before the crash (k).</param>
/// <param name="Flushes">The flushes completed before the crash (f).</param>
public readonly record struct CrashPoint(int Writes, int Flushes)
{
    /// <summary>
    /// Whether an operation acknowledged at <paramref name="mark"/> had returned before this crash:
    /// at least as many writes issued and flushes completed. A durable store must then hold it.
    /// </summary>
    public bool Covers(DeviceMark mark) => Writes >= mark.Writes && Flushes >= mark.Flushes;

    /// <inheritdoc/>
    public override string ToString() => $"(k={Writes}, f={Flushes})";
}
