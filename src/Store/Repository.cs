using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>
/// A repository of values of type <typeparamref name="T"/>: content-addressed objects, branches
/// and tags, history, and three-way merges through the content type's merge.
/// </summary>
/// <typeparam name="T">The type of the values stored at paths.</typeparam>
/// <remarks>
/// Safe for concurrent use. Branches move only by compare-and-swap, so concurrent writers never
/// lose a commit silently: when the head moved under a transaction, it either reruns on the new
/// head (<see cref="TransactionStrategy.TestAndSet"/>), merges its commit into the new head
/// (<see cref="TransactionStrategy.Merge"/>), applies its changes on top of the new head with its
/// values winning at the paths it wrote (<see cref="TransactionStrategy.Set"/>), or fails with
/// <see cref="RefConflictException"/>. Each way, the concurrent commits stay in the branch's
/// history, and only <see cref="TransactionStrategy.Set"/> replaces a concurrent write, and only
/// at a path the transaction itself wrote.
/// </remarks>
public sealed class Repository<T> : IDisposable
{
    private const string BranchPrefix = "heads/";
    private const string TagPrefix = "tags/";

    private readonly IObjectStore objectStore;
    private bool disposed;

    private Repository(IObjectStore objects, IRefStore refs, IContentType<T> contentType, RepositoryOptions options)
    {
        objectStore = objects;
        Refs = refs;
        ContentType = contentType;
        Options = options;
        Objects = new ObjectDatabase(objects, options.Schema, options.CacheCapacity);
        History = new History(Objects);
        ContentsMerge = TypedContentsMerge.Create(contentType);
    }

    /// <summary>The typed objects.</summary>
    public ObjectDatabase Objects { get; }

    /// <summary>The branches and tags.</summary>
    public IRefStore Refs { get; }

    /// <summary>The content type: codec and merge of the values.</summary>
    public IContentType<T> ContentType { get; }

    /// <summary>The options the repository was opened with.</summary>
    public RepositoryOptions Options { get; }

    /// <summary>Walks of the commit graph.</summary>
    public History History { get; }

    /// <summary>The store on the default branch (see <see cref="RepositoryOptions.DefaultBranch"/>).</summary>
    public Branch<T> Main => Branch(Options.DefaultBranch);

    internal MergeFunction<Option<ReadOnlyMemory<byte>>> ContentsMerge { get; }

    /// <summary>Opens a repository over an object store and a ref store.</summary>
    public static Repository<T> Open(IObjectStore objects, IRefStore refs, IContentType<T> contentType, RepositoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(refs);
        ArgumentNullException.ThrowIfNull(contentType);
        return new Repository<T>(objects, refs, contentType, options ?? RepositoryOptions.Default);
    }

    /// <summary>The store on branch <paramref name="name"/>; the branch need not exist yet.</summary>
    public Branch<T> Branch(string name)
    {
        InvalidRefNameException.Validate(name);
        return new Branch<T>(this, name);
    }

    /// <summary>A detached store whose head is <paramref name="commit"/> and moves only in memory.</summary>
    public DetachedHead<T> Checkout(Hash commit)
    {
        GetCommit(commit);
        return new DetachedHead<T>(this, commit);
    }

    /// <summary>A detached store with no commit yet.</summary>
    public DetachedHead<T> Detached() => new(this, null);

    /// <summary>Reads a commit, or throws <see cref="ObjectNotFoundException"/>.</summary>
    public Commit GetCommit(Hash hash) => Objects.ReadCommit(hash);

    /// <summary>Reads a commit; false when absent.</summary>
    public bool TryGetCommit(Hash hash, out Commit commit) => Objects.TryReadCommit(hash, out commit);

    /// <summary>The root tree of a commit.</summary>
    public Tree TreeOf(Commit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return Tree.OfStoredNode(Objects, commit.Root);
    }

    /// <summary>A stored tree by hash (a node), loaded lazily.</summary>
    public Tree TreeOf(Hash node) => Tree.OfStoredNode(Objects, node);

    /// <summary>Writes the objects <paramref name="tree"/> holds in memory and returns its hash.</summary>
    /// <remarks>Only new objects are encoded: the cost follows the edits, not the size of the tree.</remarks>
    public Hash WriteTree(Tree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return tree.Persist(Objects, persist: true);
    }

    /// <summary>Writes <paramref name="tree"/>'s new objects and a commit of it; moves no branch.</summary>
    public Commit Commit(Tree tree, IEnumerable<Hash> parents, CommitInfo info)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(info);
        if (!tree.IsNode)
        {
            throw new ArgumentException("A commit's root must be a node.", nameof(tree));
        }

        return Objects.WriteCommit(WriteTree(tree), parents.ToImmutableArray(), info);
    }

    /// <summary>Commit info by the default author, dated now.</summary>
    public CommitInfo Info(string message) =>
        new(Options.Author, message ?? string.Empty, Options.Clock.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>Encodes a value with the content type.</summary>
    public byte[] Encode(T value) => TypedContentsMerge.Encode(ContentType, value);

    /// <summary>Decodes a value, or throws <see cref="CorruptDataException"/>.</summary>
    public T Decode(ReadOnlyMemory<byte> bytes, string where = "contents") =>
        ContentType.TryDecode(bytes.Span, out var value)
            ? value
            : throw new CorruptDataException(where, -1, $"not a valid {ContentType.Name} value");

    /// <summary>The branch names, sorted.</summary>
    public IReadOnlyList<string> Branches() => Refs.List(BranchPrefix).Select(r => r.Key[BranchPrefix.Length..]).ToList();

    /// <summary>The tag names, sorted.</summary>
    public IReadOnlyList<string> Tags() => Refs.List(TagPrefix).Select(r => r.Key[TagPrefix.Length..]).ToList();

    /// <summary>The head of a branch; false when the branch does not exist.</summary>
    public bool TryGetBranch(string name, out Hash head) => Refs.TryRead(BranchRef(name), out head);

    /// <summary>The commit of a tag; false when the tag does not exist.</summary>
    public bool TryGetTag(string name, out Hash commit) => Refs.TryRead(TagRef(name), out commit);

    /// <summary>Creates a branch at a commit; throws <see cref="RefConflictException"/> if it exists.</summary>
    public void CreateBranch(string name, Hash commit) => CreateRef(BranchRef(name), commit);

    /// <summary>Deletes a branch; false when it did not exist.</summary>
    public bool DeleteBranch(string name) => DeleteRef(BranchRef(name));

    /// <summary>Creates a tag at a commit; throws <see cref="RefConflictException"/> if it exists.</summary>
    public void CreateTag(string name, Hash commit) => CreateRef(TagRef(name), commit);

    /// <summary>Deletes a tag; false when it did not exist.</summary>
    public bool DeleteTag(string name) => DeleteRef(TagRef(name));

    /// <summary>Moves a branch from <paramref name="expected"/> to <paramref name="desired"/> (null: absent).</summary>
    public bool CompareAndSwapBranch(string name, Hash? expected, Hash? desired)
    {
        if (desired is { } d)
        {
            GetCommit(d);
        }

        return Refs.CompareAndSwap(BranchRef(name), expected, desired, out _);
    }

    /// <summary>Resolves a full commit hash, a branch name or a tag name, in that order.</summary>
    public bool TryResolve(string nameOrHash, out Hash commit)
    {
        ArgumentNullException.ThrowIfNull(nameOrHash);
        if (Hash.TryParse(nameOrHash, out commit) && Objects.Contains(commit))
        {
            return true;
        }

        return (IsValidRefName(nameOrHash) && TryGetBranch(nameOrHash, out commit)) || (IsValidRefName(nameOrHash) && TryGetTag(nameOrHash, out commit));
    }

    /// <summary>History from <paramref name="head"/>, newest first.</summary>
    public IEnumerable<Commit> Log(Hash head, int skip = 0, int take = int.MaxValue) => History.Log([head], skip, take);

    /// <summary>The lowest common ancestors of two commits.</summary>
    public IReadOnlyList<Hash> LowestCommonAncestors(Hash left, Hash right) => History.LowestCommonAncestors(left, right);

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    public bool IsAncestor(Hash ancestor, Hash descendant) => History.IsAncestor(ancestor, descendant);

    /// <summary>
    /// Merges commit <paramref name="theirs"/> into <paramref name="ours"/>: a fast-forward where
    /// one contains the other, else a three-way merge against the lowest common ancestor, several
    /// of which are first merged recursively into a virtual ancestor. Moves no branch.
    /// </summary>
    public MergeResult<Commit> MergeCommits(Hash ours, Hash theirs, CommitInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return CommitMerge.Merge(this, ours, theirs, info);
    }

    /// <summary>
    /// The three-way merge of the trees of <paramref name="ours"/> and <paramref name="theirs"/>,
    /// as <see cref="MergeCommits"/> computes it, returned even when it conflicts: every path that
    /// merged, every conflict, and at each conflicting path what <paramref name="resolution"/>
    /// chose. Writes no commit and moves no branch; merge strategies and conflict files build on it.
    /// </summary>
    public TreeMergeResult MergeTrees(Hash ours, Hash theirs, ConflictResolution resolution = ConflictResolution.LeaveOut) =>
        CommitMerge.MergeTrees(this, ours, theirs, Info("merge trees"), resolution);

    /// <summary>Calls <paramref name="onChange"/> for every later ref change; dispose to stop.</summary>
    public IDisposable Watch(Action<RefChange> onChange) => Refs.Watch(onChange);

    internal static string BranchRef(string name)
    {
        InvalidRefNameException.Validate(name);
        return BranchPrefix + name;
    }

    internal static string TagRef(string name)
    {
        InvalidRefNameException.Validate(name);
        return TagPrefix + name;
    }

    private static bool IsValidRefName(string name)
    {
        try
        {
            InvalidRefNameException.Validate(name);
            return true;
        }
        catch (InvalidRefNameException)
        {
            return false;
        }
    }

    private void CreateRef(string name, Hash commit)
    {
        GetCommit(commit);
        if (!Refs.CompareAndSwap(name, null, commit, out var actual))
        {
            throw new RefConflictException(name, null, actual);
        }
    }

    private bool DeleteRef(string name)
    {
        while (Refs.TryRead(name, out var current))
        {
            if (Refs.CompareAndSwap(name, current, null, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (Options.OwnsStores)
        {
            Refs.Dispose();
            objectStore.Dispose();
        }
    }
}
