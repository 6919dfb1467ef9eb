namespace IrminSharp.Store;

/// <summary>
/// Ref names to hashes, sorted, with compare-and-swap: the state behind every ref store. Not
/// thread-safe: a ref store holds its own lock around it, so it can update other state atomically.
/// </summary>
public sealed class RefTable
{
    private readonly SortedDictionary<string, Hash> refs = new(StringComparer.Ordinal);

    /// <summary>The number of refs.</summary>
    public int Count => refs.Count;

    /// <summary>Reads a ref; false when absent.</summary>
    public bool TryGet(string name, out Hash value) => refs.TryGetValue(name, out value);

    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="desired"/> (null deletes) if it holds
    /// <paramref name="expected"/> (null: absent); <paramref name="actual"/> is the value found.
    /// </summary>
    public bool TrySwap(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        ArgumentNullException.ThrowIfNull(name);
        actual = refs.TryGetValue(name, out var current) ? current : null;
        if (actual != expected)
        {
            return false;
        }

        if (desired is { } d)
        {
            refs[name] = d;
        }
        else
        {
            refs.Remove(name);
        }

        return true;
    }

    /// <summary>
    /// Applies every swap of <paramref name="swaps"/> if every ref holds its expected value, else
    /// none; <paramref name="conflict"/> is then the first swap whose ref did not, and
    /// <paramref name="actual"/> the value found there.
    /// </summary>
    /// <exception cref="ArgumentException">A ref is named twice.</exception>
    public bool TrySwapAll(IReadOnlyList<RefSwap> swaps, out RefSwap? conflict, out Hash? actual)
    {
        ArgumentNullException.ThrowIfNull(swaps);
        CheckDistinct(swaps);
        foreach (var swap in swaps)
        {
            Hash? found = refs.TryGetValue(swap.Name, out var current) ? current : null;
            if (found != swap.Expected)
            {
                conflict = swap;
                actual = found;
                return false;
            }
        }

        foreach (var swap in swaps)
        {
            TrySwap(swap.Name, swap.Expected, swap.Desired, out _);
        }

        conflict = null;
        actual = null;
        return true;
    }

    /// <summary>Throws when a batch names a ref twice (its result would depend on the order).</summary>
    /// <exception cref="ArgumentException">A ref is named twice.</exception>
    public static void CheckDistinct(IReadOnlyList<RefSwap> swaps)
    {
        ArgumentNullException.ThrowIfNull(swaps);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var swap in swaps)
        {
            ArgumentNullException.ThrowIfNull(swap);
            if (!names.Add(swap.Name))
            {
                throw new ArgumentException($"The ref '{swap.Name}' is named twice in one batch.", nameof(swaps));
            }
        }
    }

    /// <summary>Sets a ref unconditionally (when loading a stored table).</summary>
    public void Set(string name, Hash value) => refs[name] = value;

    /// <summary>Removes a ref if present (when replaying a stored journal).</summary>
    public void Remove(string name) => refs.Remove(name);

    /// <summary>Every ref whose name starts with <paramref name="prefix"/>, sorted by name.</summary>
    public List<KeyValuePair<string, Hash>> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return refs.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }
}
