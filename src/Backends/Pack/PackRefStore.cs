using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The refs of a pack. With <see cref="PackDurability.EveryRefUpdate"/> a successful swap returns
/// only once it, and every object added before it, is durable; concurrent swaps share one flush.
/// </summary>
public sealed class PackRefStore : IRefStore
{
    private readonly PackStore owner;
    private readonly Lock order = new();
    private readonly RefWatchers watchers = new();

    internal PackRefStore(PackStore owner) => this.owner = owner;

    /// <inheritdoc/>
    public bool TryRead(string name, out Hash value) => owner.File.TryReadRef(name, out value);

    /// <inheritdoc/>
    public bool CompareAndSwap(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (order)
        {
            if (!owner.File.SwapRef(name, expected, desired, out actual))
            {
                return false;
            }

            // Published in swap order; a swap undone below publishes its undoing too.
            if (actual != desired)
            {
                watchers.Publish(new RefChange(name, actual, desired));
            }
        }

        if (owner.Options.Durability == PackDurability.EveryRefUpdate)
        {
            try
            {
                owner.File.Commit();
            }
            catch
            {
                // Not durable: undo the swap unless another writer moved the ref since.
                lock (order)
                {
                    if (owner.File.SwapRef(name, desired, expected, out _) && expected != desired)
                    {
                        watchers.Publish(new RefChange(name, desired, expected));
                    }
                }

                throw;
            }
        }

        actual = desired;
        return true;
    }

    /// <inheritdoc/>
    public IReadOnlyList<KeyValuePair<string, Hash>> List(string prefix = "") => owner.File.ListRefs(prefix);

    /// <inheritdoc/>
    public IDisposable Watch(Action<RefChange> onChange) => watchers.Subscribe(onChange);

    /// <inheritdoc/>
    public void Dispose()
    {
        watchers.Dispose();
        owner.Dispose();
    }
}
