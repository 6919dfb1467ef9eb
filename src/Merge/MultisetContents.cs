using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Multisets of <typeparamref name="T"/>: a map from elements to non-zero counts; an element is in
/// the multiset when its count is positive. Encoding: a MessagePack map from the elements'
/// encodings (as bin, sorted by those bytes) to their counts (integers in their smallest form,
/// never 0). Merge: each count becomes ours + theirs − ancestor, counts that come to 0 are
/// dropped, and counts below 0 are kept: base <c>{x:1}</c>, two replicas each removing x and a
/// third adding one x end at <c>{}</c> in every merge order only because the first two merged to
/// <c>{x:−1}</c>. Removing the whole multiset follows <see cref="Merges.Option{T}"/>: removed
/// against unchanged is removed; removed against changed conflicts.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
public sealed class MultisetContents<T> : IContentType<ImmutableSortedDictionary<T, long>>
    where T : notnull
{
    private readonly IContentType<T> element;
    private readonly IComparer<T> order;

    /// <summary>
    /// Multisets whose elements use <paramref name="element"/>'s codec, ordered in memory by
    /// <paramref name="order"/>, which must tell apart every two elements that encode differently
    /// (an order coarser than the encoding, such as a case-insensitive one, merges distinct
    /// elements into one).
    /// </summary>
    public MultisetContents(IContentType<T> element, IComparer<T>? order = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        this.element = element;
        this.order = order ?? Comparer<T>.Default;
        Merge = Merges.Option(Merges.Multiset<T>(), CountEquality.Instance);
    }

    /// <summary>The empty multiset, with this content type's order.</summary>
    public ImmutableSortedDictionary<T, long> Empty => ImmutableSortedDictionary.Create<T, long>(order);

    /// <inheritdoc/>
    public string Name => "multiset-" + element.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<ImmutableSortedDictionary<T, long>>> Merge { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A count is zero.</exception>
    public void Encode(ImmutableSortedDictionary<T, long> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var entries = new List<(byte[] Key, long Count)>(value.Count);
        foreach (var (item, count) in value)
        {
            // A zero count and a missing element would be two values with one meaning.
            ArgumentOutOfRangeException.ThrowIfZero(count, nameof(value));
            entries.Add((EncodeElement(item), count));
        }

        entries.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i - 1].Key.AsSpan().SequenceEqual(entries[i].Key))
            {
                throw new ArgumentException("Two elements have the same encoding.", nameof(value));
            }
        }

        var w = new MessagePackWriter(writer);
        w.WriteMapHeader(entries.Count);
        foreach (var (key, count) in entries)
        {
            w.Write(key);
            w.Write(count);
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out ImmutableSortedDictionary<T, long> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    // A map from element encodings (bin, strictly increasing) to non-zero counts.
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out ImmutableSortedDictionary<T, long> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            return false;
        }

        var count = reader.ReadMapHeader();
        var builder = ImmutableSortedDictionary.CreateBuilder<T, long>(order);
        byte[]? previous = null;
        for (var i = 0; i < count; i++)
        {
            var encoded = reader.ReadBytes()?.ToArray();
            if (encoded is null
                || (previous is not null && previous.AsSpan().SequenceCompareTo(encoded) >= 0)
                || reader.NextMessagePackType != MessagePackType.Integer)
            {
                return false;
            }

            var n = reader.ReadInt64();
            if (n == 0 || !element.TryDecode(encoded, out var item) || !builder.TryAdd(item, n))
            {
                return false;
            }

            previous = encoded;
        }

        value = builder.ToImmutable();
        return true;
    }

    /// <inheritdoc/>
    public string Format(ImmutableSortedDictionary<T, long> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shown = value.Take(8).Select(p => p.Value == 1 ? element.Format(p.Key) : $"{element.Format(p.Key)}×{p.Value}");
        return "{" + string.Join(", ", shown) + (value.Count > 8 ? ", …}" : "}");
    }

    private byte[] EncodeElement(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        element.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private sealed class CountEquality : IEqualityComparer<ImmutableSortedDictionary<T, long>>
    {
        public static CountEquality Instance { get; } = new();

        public bool Equals(ImmutableSortedDictionary<T, long>? x, ImmutableSortedDictionary<T, long>? y) =>
            x is null || y is null
                ? x is null && y is null
                : x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var n) && n == p.Value);

        public int GetHashCode(ImmutableSortedDictionary<T, long> obj) => obj.Count;
    }
}
