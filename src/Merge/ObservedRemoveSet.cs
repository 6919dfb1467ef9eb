using System.Buffers;
using System.Collections.Immutable;

namespace IrminSharp.Merge;

/// <summary>
/// An add-wins set (an observed-remove set) of <typeparamref name="T"/>, immutable: every change
/// returns a new set. Each element carries the unique tags ("dots") of the adds that put it there,
/// a dot being a replica id and a sequence number that replica issued; the set also keeps a version
/// vector, the highest sequence number each replica has issued, which never shrinks.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
/// <remarks>
/// <para>
/// <see cref="Add"/> tags the element with a fresh dot; <see cref="Remove"/> drops the dots of the
/// element that this set has seen, so it undoes only the adds it observed. Merged by
/// <see cref="ObservedRemoveSetContents{T}"/>, an add concurrent with a remove of the same element
/// therefore wins: its dot is one the removing side never saw.
/// </para>
/// <para>
/// Elements are identified by their encoding under the element content type the set was created
/// with, not by <see cref="object.Equals(object)"/>: two values that encode alike are one element,
/// and <see cref="Elements"/> lists the elements in the order of their encodings. The set keeps the
/// first value added under an encoding; a mutable element must not change after it is added.
/// </para>
/// <para>
/// Two sets are equal when they have the same elements (by encoding) with the same dots and the
/// same version vector, that is, when they encode to the same bytes. The element content type is
/// not compared.
/// </para>
/// <para>
/// A replica id must be used by one writer at a time: two writers issuing sequence numbers under
/// one id concurrently can issue the same dot twice.
/// </para>
/// </remarks>
public sealed class ObservedRemoveSet<T> : IEquatable<ObservedRemoveSet<T>>
{
    private const int RenderLimit = 8;

    private readonly IContentType<T> element;
    private IReadOnlyCollection<T>? elements;

    private ObservedRemoveSet(IContentType<T> element, ImmutableSortedDictionary<byte[], TaggedElement<T>> entries, ImmutableSortedDictionary<string, long> versions)
    {
        this.element = element;
        Entries = entries;
        Versions = versions;
    }

    /// <summary>The number of elements.</summary>
    public int Count => Entries.Count;

    /// <summary>The elements, ordered by their encodings (bytewise).</summary>
    public IReadOnlyCollection<T> Elements => elements ??= Entries.Values.Select(e => e.Item).ToImmutableArray();

    /// <summary>The version vector: for each replica id, the highest sequence number it has issued (always at least 1).</summary>
    public IReadOnlyDictionary<string, long> VersionVector => Versions;

    /// <summary>Orders encodings bytewise.</summary>
    internal static IComparer<byte[]> EncodingOrder { get; } = Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b));

    /// <summary>Orders dots by replica id (ordinal), then sequence number.</summary>
    internal static IComparer<(string Replica, long Sequence)> DotOrder { get; } = Comparer<(string Replica, long Sequence)>.Create(static (a, b) =>
    {
        var c = string.CompareOrdinal(a.Replica, b.Replica);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>The elements by encoding, each with its value and dots (never empty).</summary>
    internal ImmutableSortedDictionary<byte[], TaggedElement<T>> Entries { get; }

    /// <summary>The version vector, ordered by replica id (ordinal).</summary>
    internal ImmutableSortedDictionary<string, long> Versions { get; }

    /// <summary>The empty set, whose elements are identified by their encodings under <paramref name="element"/>.</summary>
    public static ObservedRemoveSet<T> Empty(IContentType<T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(element, ImmutableSortedDictionary.Create<byte[], TaggedElement<T>>(EncodingOrder), ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal));
    }

    /// <summary>Whether <paramref name="item"/> (by its encoding) is in the set.</summary>
    public bool Contains(T item) => Entries.ContainsKey(Encode(item));

    /// <summary>The dots of <paramref name="item"/>, ordered by replica id (ordinal) then sequence number; empty when it is not in the set.</summary>
    public IReadOnlyCollection<(string Replica, long Sequence)> DotsOf(T item) =>
        Entries.TryGetValue(Encode(item), out var found) ? found.Dots : ImmutableSortedSet<(string Replica, long Sequence)>.Empty;

    /// <summary>
    /// Adds <paramref name="item"/> on <paramref name="replica"/>: the item gets the dot
    /// (<paramref name="replica"/>, the vector's entry for it + 1) in place of the dots it had here
    /// (an add also stands for every add it has seen, so an element re-added on and on keeps one
    /// dot per concurrent add, not one per add), and the vector's entry becomes that sequence
    /// number. Sequence numbers are never reused, even for an element removed and added again.
    /// </summary>
    /// <param name="item">The element to add.</param>
    /// <param name="replica">The id of the replica that adds; well-formed UTF-16 (it is stored as UTF-8).</param>
    /// <exception cref="ArgumentException"><paramref name="replica"/> has an unpaired surrogate.</exception>
    /// <exception cref="OverflowException">The replica has issued <see cref="long.MaxValue"/> sequence numbers.</exception>
    public ObservedRemoveSet<T> Add(T item, string replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        if (!IsWellFormed(replica))
        {
            throw new ArgumentException("A replica id must be well-formed UTF-16.", nameof(replica));
        }

        var key = Encode(item);
        var sequence = checked(Versions.GetValueOrDefault(replica) + 1);
        var dots = ImmutableSortedSet.Create(DotOrder, (replica, sequence));
        var entry = new TaggedElement<T>(Entries.TryGetValue(key, out var found) ? found.Item : item, dots);
        return new(element, Entries.SetItem(key, entry), Versions.SetItem(replica, sequence));
    }

    /// <summary>
    /// Removes <paramref name="item"/>: drops every dot of it this set holds, that is, every add of
    /// it this set has seen. The version vector is kept. Removing an absent item changes nothing.
    /// </summary>
    public ObservedRemoveSet<T> Remove(T item)
    {
        var key = Encode(item);
        return Entries.ContainsKey(key) ? new(element, Entries.Remove(key), Versions) : this;
    }

    /// <inheritdoc/>
    public bool Equals(ObservedRemoveSet<T>? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Entries.Count != other.Entries.Count || Versions.Count != other.Versions.Count)
        {
            return false;
        }

        foreach (var ((key, entry), (otherKey, otherEntry)) in Entries.Zip(other.Entries))
        {
            if (!key.AsSpan().SequenceEqual(otherKey) || !entry.Dots.SetEquals(otherEntry.Dots))
            {
                return false;
            }
        }

        foreach (var ((replica, sequence), (otherReplica, otherSequence)) in Versions.Zip(other.Versions))
        {
            if (!string.Equals(replica, otherReplica, StringComparison.Ordinal) || sequence != otherSequence)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ObservedRemoveSet<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, entry) in Entries)
        {
            hash.AddBytes(key);
            hash.Add(entry.Dots.Count);
        }

        foreach (var (replica, sequence) in Versions)
        {
            hash.Add(replica, StringComparer.Ordinal);
            hash.Add(sequence);
        }

        return hash.ToHashCode();
    }

    /// <summary>A short rendering: the first elements, then the version vector.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", Elements.Take(RenderLimit).Select(element.Format)) + (Count > RenderLimit ? ", …}" : "}")
        + " versions {" + string.Join(", ", Versions.Select(v => v.Key + ": " + v.Value)) + "}";

    /// <summary>Equality of sets.</summary>
    public static bool operator ==(ObservedRemoveSet<T>? left, ObservedRemoveSet<T>? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality of sets.</summary>
    public static bool operator !=(ObservedRemoveSet<T>? left, ObservedRemoveSet<T>? right) => !(left == right);

    /// <summary>A set made of parts already checked: non-empty dots, each within the vector, in the orders above.</summary>
    internal static ObservedRemoveSet<T> FromParts(IContentType<T> element, ImmutableSortedDictionary<byte[], TaggedElement<T>> entries, ImmutableSortedDictionary<string, long> versions) =>
        new(element, entries, versions);

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private byte[] Encode(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        element.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
