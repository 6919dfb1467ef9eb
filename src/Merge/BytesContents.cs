using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace IrminSharp.Merge;

/// <summary>Raw bytes, stored as they are. Merge: the default merge with add/remove semantics.</summary>
public sealed class BytesContents : IContentType<byte[]>
{
    private BytesContents()
    {
    }

    /// <summary>Equality of byte arrays by their contents.</summary>
    public static IEqualityComparer<byte[]> Equality { get; } = new SequenceEquality();

    // Declared after Equality: static initializers run in order, and the merge needs it.
    /// <summary>The one instance.</summary>
    public static BytesContents Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "bytes";

    /// <inheritdoc/>
    public MergeFunction<Option<byte[]>> Merge { get; } = Merges.Option(Merges.Default(Equality), Equality);

    /// <inheritdoc/>
    public void Encode(byte[] value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(value);
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out byte[] value)
    {
        value = bytes.ToArray();
        return true;
    }

    /// <inheritdoc/>
    public string Format(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return $"{value.Length} bytes";
    }

    private sealed class SequenceEquality : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
