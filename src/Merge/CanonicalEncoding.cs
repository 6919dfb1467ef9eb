using System.Buffers;

namespace IrminSharp.Merge;

/// <summary>The check every decoder ends with: a value is accepted only from its own encoding.</summary>
internal static class CanonicalEncoding
{
    /// <summary>Whether <paramref name="type"/> encodes <paramref name="value"/> to exactly <paramref name="bytes"/>.</summary>
    public static bool Matches<T>(IContentType<T> type, T value, ReadOnlySpan<byte> bytes)
    {
        var check = new ArrayBufferWriter<byte>(Math.Max(1, bytes.Length));
        type.Encode(value, check);
        return check.WrittenSpan.SequenceEqual(bytes);
    }
}
