using System.Buffers;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>Lifts a content type's merge to the encoded bytes stored in trees.</summary>
internal static class TypedContentsMerge
{
    public static MergeFunction<Option<ReadOnlyMemory<byte>>> Create<T>(IContentType<T> type)
    {
        return (ancestor, ours, theirs) =>
        {
            if (!TryDecode(type, ours, out var mine) || !TryDecode(type, theirs, out var other))
            {
                return MergeResult<Option<ReadOnlyMemory<byte>>>.Conflict($"a side is not a valid {type.Name} value");
            }

            var old = Ancestor<Option<T>>.Lazy(() => ancestor.Get().Bind(found =>
            {
                // found: whether the ancestor exists at all, then whether it holds contents.
                var encoded = found.HasValue ? found.Value : Option<ReadOnlyMemory<byte>>.None;
                return TryDecode(type, encoded, out var decoded)
                    ? MergeResult<Option<Option<T>>>.Ok(Option<Option<T>>.Some(decoded))
                    : MergeResult<Option<Option<T>>>.Conflict($"the ancestor is not a valid {type.Name} value");
            }));
            return type.Merge(old, mine, other).Select(merged => merged.Select(value => (ReadOnlyMemory<byte>)Encode(type, value)));
        };
    }

    public static byte[] Encode<T>(IContentType<T> type, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        type.Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryDecode<T>(IContentType<T> type, Option<ReadOnlyMemory<byte>> encoded, out Option<T> value)
    {
        if (!encoded.HasValue)
        {
            value = Option<T>.None;
            return true;
        }

        if (type.TryDecode(encoded.Value.Span, out var decoded))
        {
            value = Option<T>.Some(decoded);
            return true;
        }

        value = default;
        return false;
    }
}
