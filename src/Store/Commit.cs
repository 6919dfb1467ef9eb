using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>A commit: a root node, its parents, and who made it.</summary>
public sealed class Commit
{
    /// <summary>Creates a commit value (it is not stored by this).</summary>
    public Commit(Hash hash, Hash root, ImmutableArray<Hash> parents, CommitInfo info, long height)
    {
        ArgumentNullException.ThrowIfNull(info);
        Hash = hash;
        Root = root;
        Parents = parents.IsDefault ? ImmutableArray<Hash>.Empty : parents;
        Info = info;
        Height = height;
    }

    /// <summary>The commit's own hash.</summary>
    public Hash Hash { get; }

    /// <summary>The hash of the root node.</summary>
    public Hash Root { get; }

    /// <summary>The parent commits, in order; empty for a first commit.</summary>
    public ImmutableArray<Hash> Parents { get; }

    /// <summary>Author, message and date.</summary>
    public CommitInfo Info { get; }

    /// <summary>
    /// One more than the greatest height of the parents (1 for a root commit). Lets history
    /// walks stop early, as Git's generation numbers do.
    /// </summary>
    public long Height { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Hash.ToShortString()} {Info.Message}";
}
