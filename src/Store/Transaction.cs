using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// The working state of a transaction: a snapshot of the head's tree, edited in memory. Nothing
/// is written until the transaction commits.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class Transaction<T>
{
    private readonly Repository<T> repository;

    internal Transaction(Repository<T> repository, Commit? snapshot, Tree tree)
    {
        this.repository = repository;
        Snapshot = snapshot;
        Tree = tree;
    }

    /// <summary>The head the transaction started from; null for a branch with no commit.</summary>
    public Commit? Snapshot { get; }

    /// <summary>The current tree, with every edit so far. It can be replaced whole.</summary>
    public Tree Tree { get; set; }

    /// <summary>The value at <paramref name="path"/>, or throws <see cref="PathNotFoundException"/>.</summary>
    public T Get(StorePath path) => TryGet(path, out var value) ? value : throw new PathNotFoundException(path, "the transaction");

    /// <summary>The value at <paramref name="path"/>, if any.</summary>
    public bool TryGet(StorePath path, out T value)
    {
        if (Tree.TryGetValue(path, out var bytes))
        {
            value = repository.Decode(bytes, "/" + path);
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The value at <paramref name="path"/>, or none.</summary>
    public Option<T> Find(StorePath path) => TryGet(path, out var value) ? Option<T>.Some(value) : Option<T>.None;

    /// <summary>Sets the value at <paramref name="path"/>.</summary>
    public void Set(StorePath path, T value) => Tree = Tree.Add(path, repository.Encode(value));

    /// <summary>Removes <paramref name="path"/> and everything below it.</summary>
    public void Remove(StorePath path) => Tree = Tree.Remove(path);

    /// <summary>Whether a value exists at <paramref name="path"/>.</summary>
    public bool Contains(StorePath path) => Tree.ContainsContents(path);
}
