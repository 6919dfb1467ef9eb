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

    /// <summary>Sets a ref unconditionally (when loading a stored table).</summary>
    public void Set(string name, Hash value) => refs[name] = value;

    /// <summary>Every ref whose name starts with <paramref name="prefix"/>, sorted by name.</summary>
    public List<KeyValuePair<string, Hash>> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return refs.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }
}
