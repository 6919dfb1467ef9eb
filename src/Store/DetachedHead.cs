namespace IrminSharp.Store;

/// <summary>
/// A store on a commit rather than a branch: commits move its head in memory only, and the
/// commits themselves are stored and can be named later with a branch or tag.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class DetachedHead<T> : StoreHandle<T>
{
    private readonly Lock gate = new();
    private readonly List<Action<HeadChange>> watchers = [];
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
        Action<HeadChange>[] toCall;
        lock (gate)
        {
            if (head != expected)
            {
                return false;
            }

            head = desired;
            toCall = [.. watchers];
        }

        if (toCall.Length > 0)
        {
            var change = new HeadChange(expected is { } o ? Repository.GetCommit(o) : null, Repository.GetCommit(desired));
            foreach (var watcher in toCall)
            {
                watcher(change);
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override IDisposable Watch(Action<HeadChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (gate)
        {
            watchers.Add(onChange);
        }

        return new Unsubscriber(() =>
        {
            lock (gate)
            {
                watchers.Remove(onChange);
            }
        });
    }

    /// <inheritdoc/>
    public override string Describe() => "detached head";

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref dispose, null)?.Invoke();
    }
}
