using System.Buffers;
using IrminSharp.Merge;

namespace IrminSharp.Merge.Tests;

/// <summary>Helpers to check content types: encoding, round trips, merges of present values.</summary>
internal static class Codec
{
    public static byte[] Encode<T>(IContentType<T> type, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        type.Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>decode(encode(x)) = x, and encode(decode(encode(x))) = encode(x).</summary>
    public static bool RoundTrips<T>(IContentType<T> type, T value, IEqualityComparer<T>? eq = null)
    {
        var bytes = Encode(type, value);
        return type.TryDecode(bytes, out var decoded)
            && (eq ?? EqualityComparer<T>.Default).Equals(decoded, value)
            && Encode(type, decoded).AsSpan().SequenceEqual(bytes);
    }

    /// <summary>
    /// A strict codec never throws on damaged bytes, and accepts only canonical bytes: whatever it
    /// decodes re-encodes to the very same bytes.
    /// </summary>
    public static bool RejectsOrReproduces<T>(IContentType<T> type, byte[] bytes) =>
        !type.TryDecode(bytes, out var decoded) || Encode(type, decoded).AsSpan().SequenceEqual(bytes);

    /// <summary>A valid encoding damaged one way: a byte changed, cut short, a byte inserted or appended.</summary>
    public static byte[] Damage(byte[] valid, int how, int where, byte value)
    {
        var list = valid.ToList();
        var at = list.Count == 0 ? 0 : (where & 0x7fffffff) % list.Count;
        switch ((how & 0x7fffffff) % 4)
        {
            case 0 when list.Count > 0:
                list[at] = list[at] == value ? (byte)(value ^ 0x80) : value;
                break;
            case 1 when list.Count > 0:
                list.RemoveRange(at, list.Count - at);
                break;
            case 2:
                list.Insert(at, value);
                break;
            default:
                list.Add(value);
                break;
        }

        return [.. list];
    }

    public static Option<T> Opt<T>(T? value)
        where T : struct => value is { } v ? Option<T>.Some(v) : Option<T>.None;

    public static Option<T> OptRef<T>(T? value)
        where T : class => value is null ? Option<T>.None : Option<T>.Some(value);

    public static MergeResult<Option<T>> Merge<T>(IContentType<T> type, Option<T> ancestor, Option<T> ours, Option<T> theirs) =>
        type.Merge(Ancestor<Option<T>>.Of(ancestor), ours, theirs);

    public static MergeResult<Option<T>> Merge3<T>(IContentType<T> type, T ancestor, T ours, T theirs) =>
        Merge(type, Option<T>.Some(ancestor), Option<T>.Some(ours), Option<T>.Some(theirs));

    /// <summary>Whether a merge succeeded with <paramref name="expected"/> (present or absent).</summary>
    public static bool Yields<T>(MergeResult<Option<T>> result, Option<T> expected, IEqualityComparer<T>? eq = null) =>
        result.IsOk && result.Value.Equals(expected, eq ?? EqualityComparer<T>.Default);

    /// <summary>The unchanged-side laws: merge(o, o, x) = x and merge(o, x, o) = x, absent values included.</summary>
    public static bool UnchangedSideLaws<T>(IContentType<T> type, Option<T> o, Option<T> x, IEqualityComparer<T>? eq = null) =>
        Yields(Merge(type, o, o, x), x, eq) && Yields(Merge(type, o, x, o), x, eq);

    /// <summary>merge(o, a, b) and merge(o, b, a) agree: both conflict, or both give the same value.</summary>
    public static bool Commutes<T>(IContentType<T> type, Option<T> o, Option<T> a, Option<T> b, IEqualityComparer<T>? eq = null)
    {
        var ab = Merge(type, o, a, b);
        var ba = Merge(type, o, b, a);
        return ab.IsOk == ba.IsOk && (!ab.IsOk || ab.Value.Equals(ba.Value, eq ?? EqualityComparer<T>.Default));
    }
}
