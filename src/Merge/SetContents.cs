using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Sets of <typeparamref name="T"/>. Encoding: a MessagePack array of the elements' encodings
/// (as bin), sorted by those bytes, without duplicates. Merge: adds and removes from both sides
/// apply, so concurrent additions all survive. An absent set counts as empty, except that removing
/// the whole set wins over a side that left it unchanged.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
public sealed class SetContents<T> : IContentType<ImmutableSortedSet<T>>
{
    private readonly IContentType<T> element;
    private readonly IComparer<T> order;

    /// <summary>
    /// Sets whose elements use <paramref name="element"/>'s codec, ordered in memory by
    /// <paramref name="order"/>, which must tell apart every two elements that encode differently.
    /// </summary>
    public SetContents(IContentType<T> element, IComparer<T>? order = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        this.element = element;
        this.order = order ?? Comparer<T>.Default;
        Merge = Merges.AbsentAs(Merges.Set<T>(), Empty, SetEquality.Instance);
    }

    /// <summary>The empty set, with this content type's order.</summary>
    public ImmutableSortedSet<T> Empty => ImmutableSortedSet.Create(order);

    /// <inheritdoc/>
    public string Name => "set-" + element.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<ImmutableSortedSet<T>>> Merge { get; }

    /// <inheritdoc/>
    public void Encode(ImmutableSortedSet<T> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var encoded = value.Select(EncodeElement).ToList();
        encoded.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(encoded.Count);
        byte[]? previous = null;
        foreach (var bytes in encoded)
        {
            if (previous is not null && previous.AsSpan().SequenceEqual(bytes))
            {
                continue;
            }

            w.Write(bytes);
            previous = bytes;
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out ImmutableSortedSet<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    // An array of the elements' encodings (bin), strictly increasing by bytes.
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out ImmutableSortedSet<T> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var count = reader.ReadArrayHeader();
        var builder = ImmutableSortedSet.CreateBuilder(order);
        byte[]? previous = null;
        for (var i = 0; i < count; i++)
        {
            var encoded = reader.ReadBytes()?.ToArray();
            if (encoded is null || (previous is not null && previous.AsSpan().SequenceCompareTo(encoded) >= 0) || !element.TryDecode(encoded, out var item))
            {
                return false;
            }

            if (!builder.Add(item))
            {
                // Two encodings of one element: not canonical.
                return false;
            }

            previous = encoded;
        }

        value = builder.ToImmutable();
        return true;
    }

    /// <inheritdoc/>
    public string Format(ImmutableSortedSet<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "{" + string.Join(", ", value.Take(8).Select(element.Format)) + (value.Count > 8 ? ", …}" : "}");
    }

    private byte[] EncodeElement(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        element.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private sealed class SetEquality : IEqualityComparer<ImmutableSortedSet<T>>
    {
        public static SetEquality Instance { get; } = new();

        public bool Equals(ImmutableSortedSet<T>? x, ImmutableSortedSet<T>? y) =>
            x is null ? y is null : y is not null && x.SetEquals(y);

        public int GetHashCode(ImmutableSortedSet<T> obj) => obj.Count;
    }
}
