using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary>The repository seen through its content type's text form, for commands.</summary>
internal interface IStoreView : IDisposable
{
    string ContentType { get; }

    ObjectDatabase Objects { get; }

    string? Get(string branch, StorePath path);

    Commit Set(string branch, StorePath path, string text, CommitInfo info);

    Commit? Remove(string branch, StorePath path, CommitInfo info);

    Hash? Head(string branch);

    Tree TreeAt(string commitOrBranch);

    string Format(Tree contents);

    IReadOnlyList<string> Branches();

    IReadOnlyList<string> Tags();

    void CreateBranch(string name, Hash at);

    bool DeleteBranch(string name);

    void CreateTag(string name, Hash at);

    Hash Resolve(string commitOrRef);

    Commit GetCommit(Hash hash);

    IEnumerable<Commit> Log(Hash head);

    IReadOnlyList<Commit> LastModified(string branch, StorePath path, int count);

    MergeResult<Commit> Merge(string into, Hash theirs, CommitInfo info);

    bool MoveBranch(string branch, Hash? expected, Hash desired);

    IDisposable Watch(Action<RefChange> onChange);

    /// <summary>The store as sync sees it.</summary>
    SyncStore Sync { get; }

    /// <summary>Fetches from <paramref name="remote"/> and merges its <paramref name="branch"/> into the local one.</summary>
    Task<PullResult> PullAsync(Remote remote, string branch, CommitInfo info, IProgress<TransferProgress>? progress, CancellationToken cancellationToken);
}
