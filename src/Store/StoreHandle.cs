using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// A handle on a head, named (<see cref="Branch{T}"/>) or detached
/// (<see cref="DetachedHead{T}"/>): Irmin's store API in C# idiom. Reads see the head at the time
/// of the call; writes commit and move the head by compare-and-swap.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public abstract class StoreHandle<T>
{
    private protected StoreHandle(Repository<T> repository) => Repository = repository;

    /// <summary>How many gcs have removed objects from the store (see <see cref="IObjectStore.Collections"/>).</summary>
    internal long Collections => Repository.Objects.Store.Collections;

    /// <summary>The repository.</summary>
    public Repository<T> Repository { get; }

    /// <summary>The head commit's hash; null when there is no commit yet.</summary>
    public abstract Hash? HeadHash { get; }

    /// <summary>The head commit; null when there is no commit yet.</summary>
    public Commit? Head => HeadHash is { } h ? Repository.GetCommit(h) : null;

    /// <summary>The head's root tree (empty when there is no commit).</summary>
    public Tree Tree => Head is { } head ? Repository.TreeOf(head) : Tree.Empty;

    /// <summary>Moves the head from <paramref name="expected"/> to <paramref name="desired"/> if it still holds it.</summary>
    public abstract bool TrySetHead(Hash? expected, Hash desired);

    /// <summary>The value at <paramref name="path"/>, or throws <see cref="PathNotFoundException"/>.</summary>
    public T Get(StorePath path) => TryGet(path, out var value) ? value : throw new PathNotFoundException(path, Describe());

    /// <summary>The value at <paramref name="path"/>, if any.</summary>
    public bool TryGet(StorePath path, out T value)
    {
        // Resolves stored nodes directly (through the path cache): no tree objects on the read path.
        value = default!;
        if (HeadHash is not { } head
            || !Repository.Objects.TryFindEntry(Repository.GetCommit(head).Root, path, out var entry)
            || entry.Kind != EntryKind.Contents)
        {
            return false;
        }

        var bytes = Repository.Objects.ReadContents(entry.Hash);
        if (!Repository.ContentType.TryDecode(bytes.Span, out var decoded))
        {
            throw new CorruptDataException("/" + path, -1, $"not a valid {Repository.ContentType.Name} value");
        }

        value = decoded;
        return true;
    }

    /// <summary>The value at <paramref name="path"/>, or none.</summary>
    public Option<T> Find(StorePath path) => TryGet(path, out var value) ? Option<T>.Some(value) : Option<T>.None;

    /// <summary>Whether a value exists at <paramref name="path"/>.</summary>
    public bool Contains(StorePath path) => Tree.ContainsContents(path);

    /// <summary>Whether a directory exists at <paramref name="path"/>.</summary>
    public bool ContainsTree(StorePath path) => Tree.ContainsNode(path);

    /// <summary>What is at <paramref name="path"/>: contents, a node, or nothing.</summary>
    public EntryKind? Kind(StorePath path) => Tree.KindAt(path);

    /// <summary>The entries of the directory at <paramref name="path"/>, paged.</summary>
    public IReadOnlyList<KeyValuePair<string, EntryKind>> List(StorePath path, long offset = 0, long count = long.MaxValue) =>
        Tree.List(path, offset, count).Select(e => new KeyValuePair<string, EntryKind>(e.Key, e.Value.Kind)).ToList();

    /// <summary>The subtree at <paramref name="path"/> (empty when nothing is there).</summary>
    public Tree GetTree(StorePath path) => Tree.Find(path) ?? Tree.Empty;

    /// <summary>Sets the value at <paramref name="path"/> and commits.</summary>
    public Commit Set(StorePath path, T value, string message = "set") =>
        Transact(tx => tx.Set(path, value), new TransactionOptions { Message = message })!;

    /// <summary>Sets the value at <paramref name="path"/> and commits with <paramref name="info"/>.</summary>
    public Commit Set(StorePath path, T value, CommitInfo info) =>
        Transact(tx => tx.Set(path, value), new TransactionOptions { Info = info })!;

    /// <summary>Removes <paramref name="path"/> and commits; returns the head (unchanged if nothing was there).</summary>
    public Commit? Remove(StorePath path, string message = "remove") =>
        Transact(tx => tx.Remove(path), new TransactionOptions { Message = message });

    /// <summary>Replaces the subtree at <paramref name="path"/> and commits.</summary>
    public Commit? SetTree(StorePath path, Tree tree, string message = "set tree")
    {
        ArgumentNullException.ThrowIfNull(tree);
        return Transact(tx => tx.Tree = tx.Tree.AddTree(path, tree), new TransactionOptions { Message = message });
    }

    /// <summary>
    /// Sets <paramref name="path"/> to <paramref name="desired"/> (none removes) only if it holds
    /// <paramref name="expected"/> (none: absent) at the head; false, with nothing written, if not.
    /// </summary>
    public bool TestAndSet(StorePath path, Option<T> expected, Option<T> desired, string message = "test and set")
    {
        var expectedBytes = expected.Select(v => (ReadOnlyMemory<byte>)Repository.Encode(v));
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var collections = Collections;
            try
            {
                var head = Head;
                var tree = head is null ? Tree.Empty : Repository.TreeOf(head);
                var current = tree.Find(path);
                var matches = expectedBytes.HasValue
                    ? current is { IsContents: true } c && c.Value.Span.SequenceEqual(expectedBytes.Value.Span)
                    : current is null;
                if (!matches)
                {
                    return false;
                }

                var updated = desired.HasValue ? tree.Add(path, Repository.Encode(desired.Value)) : tree.Remove(path);
                var commit = Repository.Commit(updated, head is null ? [] : [head.Hash], Repository.Info(message));
                if (TransactionRunner.TrySwap(this, head?.Hash, commit.Hash, collections) == HeadSwap.Moved)
                {
                    return true;
                }
            }
            catch (ObjectNotFoundException) when (Collections != collections)
            {
                // A gc ran during the attempt and removed what it built on: try again.
            }
        }

        throw new RefConflictException(Describe(), null, HeadHash);
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a snapshot of the head and commits its edits with the
    /// chosen strategy. Returns the new head, or the unchanged head when the body changed nothing.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The body sees snapshot isolation: the head as it was when the attempt started. It may run
    /// more than once, so it must not have side effects outside the transaction: under
    /// <see cref="TransactionStrategy.TestAndSet"/> when the head moved, and under any strategy
    /// when a garbage collection ran during the attempt.
    /// </para>
    /// <para>
    /// A gc may remove the objects an attempt has written before a branch names them. So an
    /// attempt notes <see cref="IObjectStore.Collections"/> when it starts, and reruns (counting
    /// as a retry) if the count changed by the time its commit is written, or if it meets a
    /// missing object (<see cref="ObjectNotFoundException"/>, from moving the head or earlier)
    /// after the count changed.
    /// </para>
    /// </remarks>
    public Commit? Transact(Action<Transaction<T>> body, TransactionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return TransactionRunner.Run(this, body, options ?? TransactionOptions.Default);
    }

    /// <summary>
    /// Merges commit <paramref name="theirs"/> into this head and moves the head. Throws
    /// <see cref="MergeConflictException"/> listing every conflicting path; nothing moves then.
    /// </summary>
    public Commit Merge(Hash theirs, string? message = null)
    {
        var result = TryMerge(theirs, message);
        return result.TryGetValue(out var commit) ? commit : throw new MergeConflictException(result.Conflicts);
    }

    /// <summary>Merges another store's head into this one (see <see cref="Merge(Hash, string?)"/>).</summary>
    public Commit Merge(StoreHandle<T> other, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        var theirs = other.HeadHash ?? throw new InvalidOperationException("The other store has no commit to merge.");
        return Merge(theirs, message ?? $"merge {other.Describe()} into {Describe()}");
    }

    /// <summary>Merges commit <paramref name="theirs"/> into this head; conflicts are returned, not thrown.</summary>
    public MergeResult<Commit> TryMerge(Hash theirs, string? message = null) =>
        TryMerge(theirs, Repository.Info(message ?? $"merge {theirs.ToShortString()} into {Describe()}"));

    /// <summary>Merges commit <paramref name="theirs"/> into this head with <paramref name="info"/> on the merge commit.</summary>
    public MergeResult<Commit> TryMerge(Hash theirs, CommitInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Repository.GetCommit(theirs);
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var collections = Collections;
            try
            {
                var ours = HeadHash;
                if (ours is null)
                {
                    if (TransactionRunner.TrySwap(this, null, theirs, collections) == HeadSwap.Moved)
                    {
                        return MergeResult<Commit>.Ok(Repository.GetCommit(theirs));
                    }

                    continue;
                }

                var merged = Repository.MergeCommits(ours.Value, theirs, info);
                if (!merged.TryGetValue(out var commit))
                {
                    return merged;
                }

                if (commit.Hash == ours || TransactionRunner.TrySwap(this, ours, commit.Hash, collections) == HeadSwap.Moved)
                {
                    return merged;
                }
            }
            catch (ObjectNotFoundException) when (Collections != collections)
            {
                // A gc ran during the attempt and removed what it built on: try again.
            }
        }

        throw new RefConflictException(Describe(), null, HeadHash);
    }

    /// <summary>The head's history, newest first.</summary>
    public IEnumerable<Commit> Log(int skip = 0, int take = int.MaxValue) =>
        HeadHash is { } h ? Repository.Log(h, skip, take) : [];

    /// <summary>
    /// The newest commits (at most <paramref name="count"/>) that changed what is at
    /// <paramref name="path"/> compared with every one of their parents.
    /// </summary>
    public IReadOnlyList<Commit> LastModified(StorePath path, int count = 1)
    {
        var found = new List<Commit>();
        if (HeadHash is not { } head)
        {
            return found;
        }

        var db = Repository.Objects;
        Hash? At(Commit c) => Repository.TreeOf(c).Find(path)?.HashWith(db);
        foreach (var commit in Repository.Log(head))
        {
            if (found.Count >= count)
            {
                break;
            }

            var mine = At(commit);
            var changed = commit.Parents.IsEmpty
                ? mine is not null
                : commit.Parents.All(p => At(Repository.GetCommit(p)) != mine);
            if (changed)
            {
                found.Add(commit);
            }
        }

        return found;
    }

    /// <summary>Calls <paramref name="onChange"/> each time the head moves; dispose to stop.</summary>
    public abstract IDisposable Watch(Action<HeadChange> onChange);

    /// <summary>
    /// Calls <paramref name="onChange"/> with the changes below <paramref name="path"/> each time
    /// the head moves and something there changed; dispose to stop.
    /// </summary>
    public IDisposable Watch(StorePath path, Action<IReadOnlyList<TreeChange>> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return Watch(change =>
        {
            var before = change.Old is { } o ? Repository.TreeOf(o).Find(path) : null;
            var after = change.New is { } n ? Repository.TreeOf(n).Find(path) : null;
            var changes = new List<TreeChange>();
            TreeDiff.Diff(Repository.Objects, before, after, path, changes);
            if (changes.Count > 0)
            {
                onChange(changes);
            }
        });
    }

    /// <summary>A short description for messages: the branch name or "detached head".</summary>
    public abstract string Describe();
}
