using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// How every MessagePack-encoded content type decodes: parse the whole input, turn a damaged
/// input into false (never an exception), and accept a value only from its own encoding.
/// </summary>
internal static class CanonicalEncoding
{
    /// <summary>Whether <paramref name="type"/> encodes <paramref name="value"/> to exactly <paramref name="bytes"/>.</summary>
    public static bool Matches<T>(IContentType<T> type, T value, ReadOnlySpan<byte> bytes)
    {
        var check = new ArrayBufferWriter<byte>(Math.Max(1, bytes.Length));
        type.Encode(value, check);
        return check.WrittenSpan.SequenceEqual(bytes);
    }

    /// <summary>
    /// Parses <paramref name="bytes"/> with <paramref name="parse"/>; true only when the parse
    /// succeeds, consumes every byte, and re-encoding the value gives <paramref name="bytes"/> back.
    /// </summary>
    public static bool TryDecode<T>(IContentType<T> type, ReadOnlySpan<byte> bytes, MessagePackParser<T> parse, [MaybeNullWhen(false)] out T value)
    {
        try
        {
            var reader = new MessagePackReader(bytes.ToArray());
            if (!parse(ref reader, out value) || !reader.End)
            {
                value = default;
                return false;
            }
        }
        catch (Exception e) when (DecodeFailure.Is(e))
        {
            value = default;
            return false;
        }

        if (!Matches(type, value, bytes))
        {
            value = default;
            return false;
        }

        return true;
    }
}
