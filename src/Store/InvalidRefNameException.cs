namespace IrminSharp.Store;

/// <summary>A branch or tag name is not valid.</summary>
public sealed class InvalidRefNameException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public InvalidRefNameException(string name, string reason)
        : base($"invalid ref name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}': {reason}")
    {
        Name = name;
        Reason = reason;
    }

    /// <summary>The offending name.</summary>
    public string Name { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }

    /// <summary>Throws unless <paramref name="name"/> is a valid branch or tag name.</summary>
    /// <remarks>A name is one or more valid path steps joined by '/', with no control characters or spaces.</remarks>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new InvalidRefNameException(name, "it is empty");
        }

        if (name.Length > 255)
        {
            throw new InvalidRefNameException(name, "it is longer than 255 characters");
        }

        foreach (var c in name)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new InvalidRefNameException(name, "it contains a space or control character");
            }
        }

        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part is "." or "..")
            {
                throw new InvalidRefNameException(name, "it has an empty, '.' or '..' component");
            }
        }
    }
}
