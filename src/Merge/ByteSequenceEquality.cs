namespace IrminSharp.Merge;

/// <summary>Equality of byte arrays by their contents, for interning encodings.</summary>
internal sealed class ByteSequenceEquality : IEqualityComparer<byte[]>
{
    private ByteSequenceEquality()
    {
    }

    /// <summary>The one instance.</summary>
    public static ByteSequenceEquality Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
