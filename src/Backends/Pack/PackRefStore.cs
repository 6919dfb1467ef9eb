using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The refs of a pack; each swap (or batch of swaps) is one small journal record in the log. With <see cref="PackDurability.EveryRefUpdate"/> a successful swap returns
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
        if (!Swap([new RefSwap(name, expected, desired)], out actual))
        {
            return false;
        }

        actual = desired;
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The swaps become durable together, as one refs record.</remarks>
    /// <exception cref="ObjectNotFoundException">The pack does not hold a desired value; nothing is changed.</exception>
    public bool CompareAndSwapAll(IReadOnlyList<RefSwap> swaps)
    {
        ArgumentNullException.ThrowIfNull(swaps);
        return Swap(swaps, out _);
    }

    private bool Swap(IReadOnlyList<RefSwap> swaps, out Hash? actual)
    {
        long version;
        using (order.EnterScope())
        {
            if (!owner.File.SwapRefs(swaps, out actual, out version))
            {
                return false;
            }

            foreach (var swap in swaps)
            {
                if (swap.Expected != swap.Desired)
                {
                    unpublished.Enqueue((version, new RefChange(swap.Name, swap.Expected, swap.Desired)));
                }
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
                Undo(swaps, version);
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

    private void Undo(IReadOnlyList<RefSwap> swaps, long version)
    {
        using (order.EnterScope())
        {
            // Not durable: undo the swaps unless another writer moved one of the refs on since.
            if (!owner.File.SwapRefs(swaps.Select(s => new RefSwap(s.Name, s.Desired, s.Expected)).ToList(), out _, out _))
            {
                return;
            }

            // Neither the swaps nor their undo were ever durable: watchers hear of neither.
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
