namespace IrminSharp.Store;

/// <summary>The root of every error IrminSharp raises on purpose.</summary>
public class IrminException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IrminException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public IrminException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
