namespace IrminSharp.Backends.Block;

/// <summary>
/// The bookkeeping of one kind of operation (reads, writes or flushes) of a
/// <see cref="FaultInjectingBlockDevice"/>: how many calls it had, how many faults it injected,
/// and its pending transient faults. Not thread-safe: the device's lock guards it.
/// </summary>
internal sealed class TransientFaults
{
    private readonly string operation;
    private readonly List<Pending> next = [];
    private readonly HashSet<long> nth = [];

    public TransientFaults(string operation) => this.operation = operation;

    /// <summary>Calls that passed the argument checks, failed or not.</summary>
    public long Calls { get; private set; }

    /// <summary>Faults injected into this kind of operation: transient, sticky or power cut.</summary>
    public long Injected { get; private set; }

    /// <summary>Fails the next <paramref name="count"/> calls (touching <paramref name="sector"/>, when given).</summary>
    public void FailNext(int count, long? sector)
    {
        if (count > 0)
        {
            next.Add(new Pending(sector, count));
        }
    }

    /// <summary>Fails the <paramref name="n"/>-th call from now (1: the next).</summary>
    public void FailNth(long n) => nth.Add(checked(Calls + n));

    /// <summary>Drops every pending transient fault; the counters stay.</summary>
    public void Clear()
    {
        next.Clear();
        nth.Clear();
    }

    /// <summary>Counts a call and returns its number (1 for the first).</summary>
    public long Begin() => ++Calls;

    /// <summary>
    /// The transient fault for call <paramref name="call"/> over sectors
    /// [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) (no sectors
    /// for a flush), consuming it; null when none applies.
    /// </summary>
    public IOException? Take(long call, long first, long count)
    {
        if (nth.Remove(call))
        {
            return Inject(count > 0 ? $"injected transient {operation} error at sector {first} ({operation} {call}); the next {operation} may succeed" : $"injected transient {operation} error ({operation} {call}); the next {operation} may succeed");
        }

        for (var i = 0; i < next.Count; i++)
        {
            var pending = next[i];
            if (pending.Sector is { } s && (count == 0 || s < first || s >= first + count))
            {
                continue;
            }

            pending.Remaining--;
            if (pending.Remaining == 0)
            {
                next.RemoveAt(i);
            }

            var at = pending.Sector ?? first;
            return Inject(count > 0 ? $"injected transient {operation} error at sector {at} ({pending.Remaining} more pending)" : $"injected transient {operation} error ({pending.Remaining} more pending)");
        }

        return null;
    }

    /// <summary>Counts an injected fault and makes its exception.</summary>
    public IOException Inject(string message)
    {
        Injected++;
        return new IOException(message);
    }

    private sealed class Pending(long? sector, int remaining)
    {
        public long? Sector { get; } = sector;

        public int Remaining { get; set; } = remaining;
    }
}
