namespace IrminSharp.Store;

/// <summary>
/// A store on a commit rather than a branch: commits move its head in memory only, and the
/// commits themselves are stored and can be named later with a branch or tag.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
/// <remarks>
/// Watchers see every move of the head in the order the moves took effect, each on its own queue
/// and on a thread other than the writer's, as with a branch. A watcher that throws affects
/// neither the writer nor the other watchers.
/// </remarks>
#pragma warning disable CA1001 // The watchers hold no resource: a subscription's queue and pump end when the subscription is disposed.
public sealed class DetachedHead<T> : StoreHandle<T>
#pragma warning restore CA1001
{
    /// <summary>The name the head's changes are published under; no real ref has it.</summary>
    private const string HeadName = "HEAD";

    private readonly Lock gate = new();
    private readonly RefWatchers watchers = new();
    private Hash? head;

    internal DetachedHead(Repository<T> repository, Hash? head)
        : base(repository) => this.head = head;

    /// <inheritdoc/>
    public override Hash? HeadHash
    {
        get
        {
            lock (gate)
            {
                return head;
            }
        }
    }

    /// <inheritdoc/>
    public override bool TrySetHead(Hash? expected, Hash desired)
    {
        lock (gate)
        {
            if (head != expected)
            {
                return false;
            }

            head = desired;

            // Published under the lock that orders the moves, so every queue sees them in order.
            if (expected != desired)
            {
                watchers.Publish(new RefChange(HeadName, expected, desired));
            }

            return true;
        }
    }

    /// <inheritdoc/>
    public override IDisposable Watch(Action<HeadChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return watchers.Subscribe(change => onChange(new HeadChange(
            change.Old is { } o ? Repository.GetCommit(o) : null,
            change.New is { } n ? Repository.GetCommit(n) : null)));
    }

    /// <inheritdoc/>
    public override string Describe() => "detached head";
}
