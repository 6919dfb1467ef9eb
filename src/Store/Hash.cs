using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace IrminSharp.Store;

/// <summary>
/// The identity of a stored object: up to 32 bytes held inline, with no heap allocation.
/// </summary>
/// <remarks>
/// The native schema uses 32-byte BLAKE3-256 hashes; the Git schema uses 20-byte SHA-1 hashes.
/// Bytes past <see cref="Length"/> are always zero, so equality compares four machine words.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash : IEquatable<Hash>, IComparable<Hash>, ISpanFormattable
{
    /// <summary>The largest hash size supported, in bytes.</summary>
    public const int MaxLength = 32;

    private readonly ulong w0;
    private readonly ulong w1;
    private readonly ulong w2;
    private readonly ulong w3;
    private readonly byte length;

    private Hash(ulong w0, ulong w1, ulong w2, ulong w3, byte length)
    {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
        this.length = length;
    }

    /// <summary>The size of this hash in bytes (20 or 32); zero for <c>default</c>.</summary>
    public int Length => length;

    /// <summary>Whether this is the <c>default</c> value, which names no object.</summary>
    public bool IsEmpty => length == 0;

    /// <summary>Creates a hash from its bytes (1 to 32 of them).</summary>
    public static Hash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is 0 or > MaxLength)
        {
            throw new ArgumentException($"A hash has 1 to {MaxLength} bytes, not {bytes.Length}.", nameof(bytes));
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        buffer.Clear();
        bytes.CopyTo(buffer);
        return new Hash(
            BinaryPrimitives.ReadUInt64BigEndian(buffer),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(buffer[24..]),
            (byte)bytes.Length);
    }

    /// <summary>Computes the BLAKE3-256 hash of <paramref name="data"/>.</summary>
    public static Hash ComputeBlake3(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        Blake3.Hasher.Hash(data, digest);
        return FromBytes(digest);
    }

    /// <summary>Copies the hash bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small for the hash.", nameof(destination));
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        WriteWords(buffer);
        buffer[..length].CopyTo(destination);
    }

    /// <summary>The hash bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Reads the 5-bit digit at <paramref name="index"/> (0 = the most significant bits).</summary>
    /// <remarks>Used to route entries in the hash trie of large directories.</remarks>
    public int GetFiveBitDigit(int index)
    {
        var bit = index * 5;
        if (bit + 5 > length * 8)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        // Read 16 bits that contain the digit, big-endian.
        var word = bit >> 6;
        var offset = bit & 63;
        var current = Word(word);
        ulong bits = offset <= 59
            ? current >> (59 - offset)
            : (current << (offset - 59)) | (Word(word + 1) >> (123 - offset));
        return (int)(bits & 31);
    }

    /// <summary>How many 5-bit digits this hash has.</summary>
    public int FiveBitDigitCount => length * 8 / 5;

    private ulong Word(int index) => index switch
    {
        0 => w0,
        1 => w1,
        2 => w2,
        3 => w3,
        _ => 0,
    };

    private void WriteWords(Span<byte> buffer)
    {
        BinaryPrimitives.WriteUInt64BigEndian(buffer, w0);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[8..], w1);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[16..], w2);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[24..], w3);
    }

    /// <summary>Parses a full-length lowercase or uppercase hex hash.</summary>
    public static Hash Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not a hex hash of 20 or 32 bytes.");
    }

    /// <summary>Parses a hex hash of 20 or 32 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Hash hash)
    {
        hash = default;
        if (text.Length is not (40 or 64))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxLength];
        var status = Convert.FromHexString(text, bytes, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        hash = FromBytes(bytes[..written]);
        return true;
    }

    /// <summary>Parses a hex hash; false for null or malformed text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Hash hash)
    {
        if (text is null)
        {
            hash = default;
            return false;
        }

        return TryParse(text.AsSpan(), out hash);
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        if (destination.Length < length * 2)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        WriteWords(buffer);
        if (!Convert.TryToHexStringLower(buffer[..length], destination, out charsWritten))
        {
            return false;
        }

        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>The full lowercase hex form.</summary>
    public override string ToString()
    {
        if (length == 0)
        {
            return "<none>";
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        WriteWords(buffer);
        return Convert.ToHexStringLower(buffer[..length]);
    }

    /// <summary>The first <paramref name="chars"/> hex digits, for display.</summary>
    public string ToShortString(int chars = 12)
    {
        var full = ToString();
        return full.Length <= chars ? full : full[..chars];
    }

    /// <inheritdoc/>
    public bool Equals(Hash other) =>
        w0 == other.w0 && w1 == other.w1 && w2 == other.w2 && w3 == other.w3 && length == other.length;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Hash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)w0 ^ (int)(w0 >> 32);

    /// <inheritdoc/>
    public int CompareTo(Hash other)
    {
        var c = w0.CompareTo(other.w0);
        if (c != 0)
        {
            return c;
        }

        c = w1.CompareTo(other.w1);
        if (c != 0)
        {
            return c;
        }

        c = w2.CompareTo(other.w2);
        if (c != 0)
        {
            return c;
        }

        c = w3.CompareTo(other.w3);
        return c != 0 ? c : length.CompareTo(other.length);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Hash left, Hash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Hash left, Hash right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(Hash left, Hash right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(Hash left, Hash right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(Hash left, Hash right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(Hash left, Hash right) => left.CompareTo(right) >= 0;
}
