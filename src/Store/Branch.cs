namespace IrminSharp.Store;

/// <summary>The store on a named branch. The head lives in the ref store and moves by compare-and-swap.</summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class Branch<T> : StoreHandle<T>
{
    private readonly string refName;

    internal Branch(Repository<T> repository, string name)
        : base(repository)
    {
        Name = name;
        refName = Repository<T>.BranchRef(name);
    }

    /// <summary>The branch name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override Hash? HeadHash => Repository.Refs.TryRead(refName, out var head) ? head : null;

    /// <inheritdoc/>
    public override bool TrySetHead(Hash? expected, Hash desired) =>
        Repository.Refs.CompareAndSwap(refName, expected, desired, out _);

    /// <inheritdoc/>
    public override IDisposable Watch(Action<HeadChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return Repository.Refs.Watch(change =>
        {
            if (change.Name == refName)
            {
                onChange(new HeadChange(
                    change.Old is { } o ? Repository.GetCommit(o) : null,
                    change.New is { } n ? Repository.GetCommit(n) : null));
            }
        });
    }

    /// <inheritdoc/>
    public override string Describe() => $"branch '{Name}'";
}
