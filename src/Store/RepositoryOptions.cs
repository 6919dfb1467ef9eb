namespace IrminSharp.Store;

/// <summary>Options of a repository.</summary>
public sealed class RepositoryOptions
{
    private readonly string defaultBranch = "main";

    /// <summary>The defaults.</summary>
    public static RepositoryOptions Default { get; } = new();

    /// <summary>The schema: hash function and object encoding.</summary>
    public Schema Schema { get; init; } = NativeSchema.Instance;

    /// <summary>The branch <see cref="Repository{T}.Main"/> names.</summary>
    public string DefaultBranch
    {
        get => defaultBranch;
        init
        {
            InvalidRefNameException.Validate(value);
            defaultBranch = value;
        }
    }

    /// <summary>The author of commits made without explicit info.</summary>
    public string Author { get; init; } = "irmin";

    /// <summary>The clock that dates commits.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How many decoded nodes and commits to keep in memory.</summary>
    public int CacheCapacity { get; init; } = 200_000;

    /// <summary>Whether disposing the repository disposes its object and ref stores.</summary>
    public bool OwnsStores { get; init; } = true;
}
