namespace IrminSharp.Store;

/// <summary>No contents exist at a path.</summary>
public sealed class PathNotFoundException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public PathNotFoundException(StorePath path, string? where = null)
        : base($"no value at '/{path}'" + (where is null ? string.Empty : " in " + where))
    {
        Path = path;
    }

    /// <summary>The path that holds no contents.</summary>
    public StorePath Path { get; }
}
