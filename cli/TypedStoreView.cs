using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary>An <see cref="IStoreView"/> over a <see cref="Repository{T}"/>, parsing and formatting values as text.</summary>
internal sealed class TypedStoreView<T>(Repository<T> repository, Func<string, T> parse, Func<T, string> format) : IStoreView
{
    public string ContentType => repository.ContentType.Name;

    public SyncStore Sync { get; } = SyncStore.Of(repository);

    public Task<PullResult> PullAsync(Remote remote, string branch, CommitInfo info, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        remote.PullAsync(repository, branch, info, progress, cancellationToken);

    public ObjectDatabase Objects => repository.Objects;

    public string? Get(string branch, StorePath path) =>
        repository.Branch(branch).TryGet(path, out var value) ? format(value) : null;

    public Commit Set(string branch, StorePath path, string text, CommitInfo info) =>
        repository.Branch(branch).Set(path, parse(text), info);

    public Commit? Remove(string branch, StorePath path, CommitInfo info) =>
        repository.Branch(branch).Transact(tx => tx.Remove(path), new TransactionOptions { Info = info });

    public Hash? Head(string branch) => repository.Branch(branch).HeadHash;

    public Tree TreeAt(string commitOrBranch) => repository.TreeOf(repository.GetCommit(Resolve(commitOrBranch)));

    public string Format(Tree contents) => format(repository.Decode(contents.Value));

    public IReadOnlyList<string> Branches() => repository.Branches();

    public IReadOnlyList<string> Tags() => repository.Tags();

    public void CreateBranch(string name, Hash at) => repository.CreateBranch(name, at);

    public bool DeleteBranch(string name) => repository.DeleteBranch(name);

    public void CreateTag(string name, Hash at) => repository.CreateTag(name, at);

    public Hash Resolve(string commitOrRef)
    {
        if (repository.TryResolve(commitOrRef, out var hash))
        {
            return hash;
        }

        // A unique abbreviation of a commit reachable from a branch or tag.
        if (commitOrRef.Length is >= 4 and < 64 && commitOrRef.All(Uri.IsHexDigit))
        {
            var heads = repository.Branches().Select(b => repository.Branch(b).HeadHash!.Value)
                .Concat(repository.Tags().Select(t => repository.TryGetTag(t, out var c) ? c : default).Where(c => !c.IsEmpty));
            var matches = repository.History.Log(heads).Where(c => c.Hash.ToString().StartsWith(commitOrRef, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
            if (matches.Count == 1)
            {
                return matches[0].Hash;
            }

            if (matches.Count > 1)
            {
                throw new IrminException($"'{commitOrRef}' is ambiguous");
            }
        }

        throw new IrminException($"'{commitOrRef}' is not a branch, a tag, or a commit in this store");
    }

    public Commit GetCommit(Hash hash) => repository.GetCommit(hash);

    public IEnumerable<Commit> Log(Hash head) => repository.Log(head);

    public IReadOnlyList<Commit> LastModified(string branch, StorePath path, int count) => repository.Branch(branch).LastModified(path, count);

    public MergeResult<Commit> Merge(string into, Hash theirs, CommitInfo info) => repository.Branch(into).TryMerge(theirs, info);

    public bool MoveBranch(string branch, Hash? expected, Hash desired) => repository.CompareAndSwapBranch(branch, expected, desired);

    public IDisposable Watch(Action<RefChange> onChange) => repository.Watch(onChange);

    public void Dispose() => repository.Dispose();
}
