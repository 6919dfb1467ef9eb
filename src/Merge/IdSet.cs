namespace IrminSharp.Merge;

/// <summary>
/// The set of ids in a sequence. Interned ids are small and dense (0, 1, 2, …), so the set is
/// usually a bitmap indexed by id; ids spread wider than the sequences fall back to a hash set.
/// </summary>
internal readonly struct IdSet
{
    private readonly bool[]? bitmap;
    private readonly HashSet<int>? hashed;

    private IdSet(bool[]? bitmap, HashSet<int>? hashed)
    {
        this.bitmap = bitmap;
        this.hashed = hashed;
    }

    /// <summary>The ids of <paramref name="ids"/>; <paramref name="otherLength"/>, the length of the sequence that will be looked up, bounds the bitmap.</summary>
    public static IdSet Of(ReadOnlySpan<int> ids, int otherLength)
    {
        var min = 0;
        var max = -1;
        foreach (var id in ids)
        {
            min = Math.Min(min, id);
            max = Math.Max(max, id);
        }

        if (min >= 0 && max < (4L * (ids.Length + otherLength)) + 1024)
        {
            var bitmap = new bool[max + 1];
            foreach (var id in ids)
            {
                bitmap[id] = true;
            }

            return new IdSet(bitmap, null);
        }

        var hashed = new HashSet<int>(ids.Length);
        foreach (var id in ids)
        {
            hashed.Add(id);
        }

        return new IdSet(null, hashed);
    }

    /// <summary>Whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(int id) => bitmap is not null ? (uint)id < (uint)bitmap.Length && bitmap[id] : hashed!.Contains(id);
}
