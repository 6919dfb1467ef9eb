namespace IrminSharp.Merge;

/// <summary>
/// Hands out one small int id per distinct item (0, 1, 2, … in order of first sight), so that
/// sequences of items can be compared by comparing ints.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
internal sealed class Interner<T>
    where T : notnull
{
    private readonly Dictionary<T, int> ids;

    /// <summary>An interner that tells items apart with <paramref name="comparer"/>.</summary>
    public Interner(IEqualityComparer<T>? comparer = null)
    {
        ids = new Dictionary<T, int>(comparer);
    }

    /// <summary>How many distinct items have been seen.</summary>
    public int Count => ids.Count;

    /// <summary>The id of <paramref name="item"/>: the one it was given before, or the next free one.</summary>
    public int IdOf(T item)
    {
        if (!ids.TryGetValue(item, out var id))
        {
            id = ids.Count;
            ids.Add(item, id);
        }

        return id;
    }

    /// <summary>The ids of <paramref name="items"/>, in order.</summary>
    public int[] IdsOf(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var result = new int[items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = IdOf(items[i]);
        }

        return result;
    }
}
