namespace IrminSharp.Store;

/// <summary>Stored or received bytes are not a valid encoding, or do not match their hash.</summary>
public sealed class CorruptDataException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public CorruptDataException(string where, long offset, string reason, Exception? innerException = null)
        : base(offset >= 0 ? $"corrupt data in {where} at offset {offset}: {reason}" : $"corrupt data in {where}: {reason}", innerException)
    {
        Where = where;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>What was being read: an object hash, a file, a device.</summary>
    public string Where { get; }

    /// <summary>The byte offset of the problem, or -1 when not meaningful.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }

    /// <summary>The object that cannot be read because of the damage, when one is known.</summary>
    public Hash? Object { get; init; }
}
