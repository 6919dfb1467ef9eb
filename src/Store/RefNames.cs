namespace IrminSharp.Store;

/// <summary>The namespaces of ref names, and what each kind of ref points at.</summary>
public static class RefNames
{
    /// <summary>Branches: <c>heads/NAME</c>.</summary>
    public const string BranchPrefix = "heads/";

    /// <summary>Tags: <c>tags/NAME</c>.</summary>
    public const string TagPrefix = "tags/";

    /// <summary>Remote-tracking branches: <c>remotes/REMOTE/NAME</c>.</summary>
    public const string RemotePrefix = "remotes/";

    /// <summary>Settings kept in the store, such as the remotes: <c>config/NAME</c>.</summary>
    public const string ConfigPrefix = "config/";

    /// <summary>
    /// Whether a ref of this name must point at a commit. Branches, tags and remote-tracking refs
    /// do; config refs name any object (the remotes are a contents object).
    /// </summary>
    public static bool NamesCommit(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return !name.StartsWith(ConfigPrefix, StringComparison.Ordinal);
    }
}
