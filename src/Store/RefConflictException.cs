namespace IrminSharp.Store;

/// <summary>A ref did not hold the expected value at a compare-and-swap.</summary>
public sealed class RefConflictException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public RefConflictException(string name, Hash? expected, Hash? actual)
        : base($"ref '{name}' moved: expected {Show(expected)}, found {Show(actual)}")
    {
        Name = name;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The ref's name.</summary>
    public string Name { get; }

    /// <summary>The value the caller expected; null for "absent".</summary>
    public Hash? Expected { get; }

    /// <summary>The value found; null for "absent".</summary>
    public Hash? Actual { get; }

    private static string Show(Hash? hash) => hash is { } h ? h.ToShortString() : "nothing";
}
