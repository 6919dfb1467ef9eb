using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The refs of a pack. With <see cref="PackDurability.EveryRefUpdate"/> a successful swap returns
/// only once it, and every object added before it, is durable; concurrent swaps share one flush.
/// </summary>
/// <remarks>
/// Watchers hear of a change once it is durable (with <see cref="PackDurability.Explicit"/>, at
/// once), in the order the swaps took effect. A swap that throws was not made durable by that call:
/// it is undone in memory unless another writer has already moved the ref on from it, in which case
/// it becomes durable with that writer's update.
/// </remarks>
public sealed class PackRefStore : IRefStore
{
    private readonly PackStore owner;
    private readonly ScheduledLock order = new("refs.order");
    private readonly RefWatchers watchers = new();
    private readonly Queue<(long Version, RefChange Change)> unpublished = new();

    internal PackRefStore(PackStore owner) => this.owner = owner;

    /// <inheritdoc/>
    public bool TryRead(string name, out Hash value) => owner.File.TryReadRef(name, out value);

    /// <inheritdoc/>
    /// <exception cref="ObjectNotFoundException">The pack does not hold <paramref name="desired"/>.</exception>
    public bool CompareAndSwap(string name, Hash? expected, Hash? desired, out Hash? actual)
    {
        ArgumentNullException.ThrowIfNull(name);
        long version;
        using (order.EnterScope())
        {
            if (!owner.File.SwapRef(name, expected, desired, out actual, out version))
            {
                return false;
            }

            if (actual != desired)
            {
                unpublished.Enqueue((version, new RefChange(name, actual, desired)));
            }
        }

        SchedulePoint.Here("refs: swapped in memory");
        if (owner.Options.Durability == PackDurability.EveryRefUpdate)
        {
            try
            {
                owner.File.Commit();
            }
            catch when (owner.File.DurableRefsVersion < version)
            {
                Undo(name, expected, desired, version);
                throw;
            }
            catch
            {
                // Made durable before the failure (by this commit or a concurrent one): it stands.
            }

            Publish(owner.File.DurableRefsVersion);
        }
        else
        {
            Publish(long.MaxValue);
        }

        actual = desired;
        return true;
    }

    /// <inheritdoc/>
    public IReadOnlyList<KeyValuePair<string, Hash>> List(string prefix = "") => owner.File.ListRefs(prefix);

    /// <inheritdoc/>
    public IDisposable Watch(Action<RefChange> onChange) => watchers.Subscribe(onChange);

    /// <summary>Publishes, in swap order, every queued change whose swap is durable.</summary>
    private void Publish(long durable)
    {
        using (order.EnterScope())
        {
            while (unpublished.TryPeek(out var next) && next.Version <= durable)
            {
                unpublished.Dequeue();
                watchers.Publish(next.Change);
            }
        }
    }

    private void Undo(string name, Hash? expected, Hash? desired, long version)
    {
        using (order.EnterScope())
        {
            // Not durable: undo the swap unless another writer moved the ref on since.
            if (!owner.File.SwapRef(name, desired, expected, out _, out _))
            {
                return;
            }

            // Neither the swap nor its undo was ever durable: watchers hear of neither.
            var kept = unpublished.Where(u => u.Version != version).ToList();
            unpublished.Clear();
            foreach (var u in kept)
            {
                unpublished.Enqueue(u);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        watchers.Dispose();
        owner.Dispose();
    }
}
