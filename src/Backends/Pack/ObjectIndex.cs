using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// Where each stored object is: the newest index checkpoint (on disk, read a bucket at a time)
/// plus the objects written after it (in memory). Not thread-safe: the pack guards it.
/// </summary>
internal sealed class ObjectIndex
{
    private readonly Dictionary<Hash, Location> tail = [];
    private readonly List<long> damage = [];

    public ObjectIndex(CheckpointIndex? checkpoint) => Checkpoint = checkpoint;

    /// <summary>The checkpoint, if any.</summary>
    public CheckpointIndex? Checkpoint { get; private set; }

    /// <summary>Objects indexed after the checkpoint.</summary>
    public int TailCount => tail.Count;

    public bool TryFind(Hash hash, out Location location) =>
        tail.TryGetValue(hash, out location) || (Checkpoint is { } c && c.TryFind(hash, out location));

    public bool Contains(Hash hash) => TryFind(hash, out _);

    /// <summary>Before a read reports <paramref name="hash"/> absent: see <see cref="CheckpointIndex.VerifyMiss"/>.</summary>
    public void VerifyMiss(Hash hash) => Checkpoint?.VerifyMiss(hash);

    /// <summary>
    /// Notes a damaged record the tail scan skipped: the objects it (and the rest of its sector)
    /// held are not indexed, so a miss may be damage rather than absence.
    /// </summary>
    public void RecordDamage(long position) => damage.Add(position);

    /// <summary>The first damaged record the tail scan skipped at or after <paramref name="logStart"/>, if any.</summary>
    public long? FirstDamage(long logStart)
    {
        foreach (var position in damage)
        {
            if (position >= logStart)
            {
                return position;
            }
        }

        return null;
    }

    /// <summary>Records where an object is; a later location of the same object replaces an earlier one.</summary>
    public void Record(Hash hash, Location location) => tail[hash] = location;

    /// <summary>The tail's entries sorted by hash: a snapshot.</summary>
    public List<(Hash Hash, Location Location)> SortedTail()
    {
        var sorted = new List<(Hash, Location)>(tail.Count);
        foreach (var (hash, location) in tail)
        {
            sorted.Add((hash, location));
        }

        sorted.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
        return sorted;
    }

    /// <summary>Makes <paramref name="replacement"/> the checkpoint and empties the tail it covers.</summary>
    public void ReplaceCheckpoint(CheckpointIndex replacement)
    {
        Checkpoint = replacement;
        tail.Clear();
    }

    /// <summary>Every entry in hash order: the checkpoint merged with the tail. Reads the checkpoint from disk.</summary>
    public IEnumerable<(Hash Hash, Location Location)> Enumerate(IReadOnlyList<(Hash Hash, Location Location)> sortedTail) =>
        CheckpointEncoder.Merge(Checkpoint?.Enumerate() ?? [], sortedTail);
}
