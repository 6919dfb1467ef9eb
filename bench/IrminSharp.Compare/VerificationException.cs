namespace IrminSharp.Compare;

/// <summary>A store read back something other than what the workload wrote.</summary>
internal sealed class VerificationException : Exception
{
    public VerificationException()
    {
    }

    public VerificationException(string message)
        : base(message)
    {
    }

    public VerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws unless <paramref name="actual"/> is <paramref name="expected"/>.</summary>
    public static void Check(string store, string path, string? actual, string expected)
    {
        if (actual != expected)
        {
            throw new VerificationException($"{store}: '{path}' read back '{actual ?? "<missing>"}', expected '{expected}'");
        }
    }
}
