using IrminSharp.Store;

namespace IrminSharp.Backends.Memory;

/// <summary>A ref store in memory.</summary>
public sealed class MemoryRefStore : IRefStore
{
    private readonly Lock gate = new();
    private readonly RefTable refs = new();
    private readonly RefWatchers watchers = new();

    /// <inheritdoc/>
    public bool TryRead(string name, out Hash value)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate)
        {
            return refs.TryGet(name, out value);
        }
    }

    /// <inheritdoc/>
    public bool CompareAndSwap(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (gate)
        {
            if (!refs.TrySwap(name, expected, desired, out actual))
            {
                return false;
            }

            if (actual != desired)
            {
                watchers.Publish(new RefChange(name, actual, desired));
            }

            actual = desired;
            return true;
        }
    }

    /// <inheritdoc/>
    public bool CompareAndSwapAll(IReadOnlyList<RefSwap> swaps)
    {
        ArgumentNullException.ThrowIfNull(swaps);
        lock (gate)
        {
            if (!refs.TrySwapAll(swaps, out _, out _))
            {
                return false;
            }

            foreach (var swap in swaps)
            {
                if (swap.Expected != swap.Desired)
                {
                    watchers.Publish(new RefChange(swap.Name, swap.Expected, swap.Desired));
                }
            }

            return true;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<KeyValuePair<string, Hash>> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        lock (gate)
        {
            return refs.List(prefix);
        }
    }

    /// <inheritdoc/>
    public IDisposable Watch(Action<RefChange> onChange) => watchers.Subscribe(onChange);

    /// <inheritdoc/>
    public void Dispose() => watchers.Dispose();
}
