using IrminSharp.Backends.Memory;
using IrminSharp.Store;

namespace IrminSharp.Store.Tests;

/// <summary>
/// A memory ref store that refuses to point a ref at an object the object store lacks (with
/// <see cref="ObjectNotFoundException"/>), and runs a hook just before each swap: the place where
/// a concurrent gc can strike.
/// </summary>
internal sealed class CheckingRefStore(IObjectStore objects) : IRefStore
{
    private readonly MemoryRefStore inner = new();

    /// <summary>Called before every compare-and-swap.</summary>
    public Action? BeforeSwap { get; set; }

    public bool TryRead(string name, out Hash value) => inner.TryRead(name, out value);

    public bool CompareAndSwap(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        BeforeSwap?.Invoke();
        if (desired is { } d && !objects.Contains(d))
        {
            throw new ObjectNotFoundException(d, "commit");
        }

        return inner.CompareAndSwap(name, expected, desired, out actual);
    }

    public bool CompareAndSwapAll(IReadOnlyList<RefSwap> swaps)
    {
        BeforeSwap?.Invoke();
        foreach (var swap in swaps)
        {
            if (swap.Desired is { } d && !objects.Contains(d))
            {
                throw new ObjectNotFoundException(d, "commit");
            }
        }

        return inner.CompareAndSwapAll(swaps);
    }

    public IReadOnlyList<KeyValuePair<string, Hash>> List(string prefix = "") => inner.List(prefix);

    public IDisposable Watch(Action<RefChange> onChange) => inner.Watch(onChange);

    public void Dispose() => inner.Dispose();
}
