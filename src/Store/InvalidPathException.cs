namespace IrminSharp.Store;

/// <summary>A path or step is not valid: empty step, '.', '..', or containing '/' or NUL.</summary>
public sealed class InvalidPathException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public InvalidPathException(string path, string reason)
        : base($"invalid path '{Escape(path)}': {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The offending path or step.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }

    private static string Escape(string path) => path.Replace("\0", "\\0", StringComparison.Ordinal);
}
