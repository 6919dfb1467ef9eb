using IrminSharp.Merge;
using IrminSharp.Store;

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
}
