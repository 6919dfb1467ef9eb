namespace IrminSharp.Store;

/// <summary>
/// Named refs (branches and tags) that move only by compare-and-swap, and can be watched.
/// The backend contract every storage implements.
/// </summary>
/// <remarks>
/// Ref names are <c>heads/NAME</c> for branches and <c>tags/NAME</c> for tags. Watchers see
/// every change of a ref in the order the swaps took effect, on a thread of the store's choosing.
/// </remarks>
public interface IRefStore : IDisposable
{
    /// <summary>Reads a ref; false when absent.</summary>
    bool TryRead(string name, out Hash value);

    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="desired"/> (null deletes) if it holds
    /// <paramref name="expected"/> (null: absent). Returns false, with the value found, when not.
    /// </summary>
    bool CompareAndSwap(string name, Hash? expected, Hash? desired, out Hash? actual);

    /// <summary>
    /// Applies every swap of <paramref name="swaps"/> at once, or none: true when each ref held
    /// its expected value and all now hold their desired ones (watchers hear of each change, and a
    /// durable store makes them durable together); false, with nothing changed, when any ref did not.
    /// </summary>
    /// <exception cref="ArgumentException">A ref is named twice.</exception>
    bool CompareAndSwapAll(IReadOnlyList<RefSwap> swaps);

    /// <summary>Every ref whose name starts with <paramref name="prefix"/>, sorted by name.</summary>
    IReadOnlyList<KeyValuePair<string, Hash>> List(string prefix = "");

    /// <summary>Calls <paramref name="onChange"/> for every later change; dispose to stop.</summary>
    IDisposable Watch(Action<RefChange> onChange);
}
