using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace IrminSharp.Merge;

/// <summary>
/// A user datatype as the store sees it: a name, a canonical codec and a three-way merge.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
/// <remarks>
/// The encoding must be canonical: equal values encode to equal bytes, so equal values have equal
/// hashes. The merge receives <see cref="Option{T}.None"/> for a value that is absent on a side
/// (a removed file) and returns <see cref="Option{T}.None"/> to remove it.
/// </remarks>
public interface IContentType<T>
{
    /// <summary>The name recorded in a store, such as <c>string</c> or <c>counter</c>.</summary>
    string Name { get; }

    /// <summary>Writes the canonical encoding of <paramref name="value"/>.</summary>
    void Encode(T value, IBufferWriter<byte> writer);

    /// <summary>Decodes a value; false when the bytes are not a valid encoding.</summary>
    bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out T value);

    /// <summary>The three-way merge of values that may be absent.</summary>
    MergeFunction<Option<T>> Merge { get; }

    /// <summary>A short human rendering of a value, for logs, conflicts and the CLI.</summary>
    string Format(T value);
}
