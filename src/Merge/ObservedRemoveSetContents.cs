using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Add-wins sets (<see cref="ObservedRemoveSet{T}"/>) of <typeparamref name="T"/>: an element added
/// on one side and removed concurrently on the other stays in the merged set.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
/// <remarks>
/// <para>
/// Encoding: a MessagePack array <c>[versions, elements]</c>. <c>versions</c> is a map from
/// replica id (str) to the highest sequence number it issued (int, at least 1), sorted by replica
/// id (ordinal). <c>elements</c> is an array of <c>[bin element encoding, dots]</c> sorted by the
/// element bytes, where <c>dots</c> is a non-empty array of <c>[replica id, sequence number]</c>
/// sorted by replica id (ordinal) then number, each number at least 1 and at most the versions'
/// entry for its replica. Decoding accepts exactly the encodings this type writes.
/// </para>
/// <para>
/// Merge: the pairs (element, dot) merge as a three-way set merge — a pair stays when both sides
/// have it or when a side added it (has it and the ancestor does not) — and the version vectors by
/// pointwise maximum. A remove drops only the dots it saw, and a concurrent add makes a dot the
/// removing side never saw, so the add wins. A side equal to the ancestor yields to the other, and
/// equal sides merge to themselves. An absent set counts as empty, except that removing it wins
/// over a side that left it unchanged.
/// </para>
/// <para>
/// The merge is commutative, and merging the replicas of one history in any order gives the same
/// set: the result is the set of (element, dot) pairs ever added minus those some replica removed,
/// with the pointwise maximum of the vectors. That holds provided each replica id is used by one
/// writer at a time. Removing the whole value (the file) forgets its version vector: a replica that
/// then starts from an empty set again reissues sequence numbers, and an add of the same element
/// under such a number can lose to a concurrent remove. To empty a set, remove its elements.
/// </para>
/// </remarks>
public sealed class ObservedRemoveSetContents<T> : IContentType<ObservedRemoveSet<T>>
{
    private const int RenderLimit = 8;

    private readonly IContentType<T> element;

    /// <summary>Add-wins sets whose elements use <paramref name="element"/>'s codec, and are identified by it.</summary>
    public ObservedRemoveSetContents(IContentType<T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        this.element = element;
        Empty = ObservedRemoveSet<T>.Empty(element);
        Merge = Merges.AbsentAs<ObservedRemoveSet<T>>(MergeSets, Empty, EqualityComparer<ObservedRemoveSet<T>>.Default);
    }

    /// <summary>The empty set, with this content type's elements.</summary>
    public ObservedRemoveSet<T> Empty { get; }

    /// <inheritdoc/>
    public string Name => "orset-" + element.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<ObservedRemoveSet<T>>> Merge { get; }

    /// <inheritdoc/>
    public void Encode(ObservedRemoveSet<T> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(2);
        w.WriteMapHeader(value.Versions.Count);
        foreach (var (replica, sequence) in value.Versions)
        {
            w.Write(replica);
            w.Write(sequence);
        }

        w.WriteArrayHeader(value.Entries.Count);
        foreach (var (encoding, entry) in value.Entries)
        {
            w.WriteArrayHeader(2);
            w.Write(encoding);
            w.WriteArrayHeader(entry.Dots.Count);
            foreach (var (replica, sequence) in entry.Dots)
            {
                w.WriteArrayHeader(2);
                w.Write(replica);
                w.Write(sequence);
            }
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out ObservedRemoveSet<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    /// <inheritdoc/>
    public string Format(ObservedRemoveSet<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "{" + string.Join(", ", value.Elements.Take(RenderLimit).Select(element.Format)) + (value.Count > RenderLimit ? ", …}" : "}");
    }

    // [ {replica: sequence} sorted, [[bin element, [[replica, sequence], …]], …] sorted ].
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out ObservedRemoveSet<T> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2
            || reader.NextMessagePackType != MessagePackType.Map)
        {
            return false;
        }

        var versionCount = reader.ReadMapHeader();
        var versions = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        string? previousReplica = null;
        for (var i = 0; i < versionCount; i++)
        {
            if (!TryReadDot(ref reader, out var replica, out var sequence)
                || (previousReplica is not null && string.CompareOrdinal(previousReplica, replica) >= 0))
            {
                return false;
            }

            versions.Add(replica, sequence);
            previousReplica = replica;
        }

        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var elementCount = reader.ReadArrayHeader();
        var entries = ImmutableSortedDictionary.CreateBuilder<byte[], TaggedElement<T>>(ObservedRemoveSet<T>.EncodingOrder);
        byte[]? previousEncoding = null;
        for (var i = 0; i < elementCount; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2
                || reader.NextMessagePackType != MessagePackType.Binary)
            {
                return false;
            }

            var encoding = reader.ReadBytes()!.Value.ToArray();
            if ((previousEncoding is not null && previousEncoding.AsSpan().SequenceCompareTo(encoding) >= 0)
                || !element.TryDecode(encoding, out var item)
                || !CanonicalEncoding.Matches(element, item, encoding)
                || reader.NextMessagePackType != MessagePackType.Array)
            {
                return false;
            }

            var dotCount = reader.ReadArrayHeader();
            if (dotCount == 0)
            {
                return false;
            }

            var dots = ImmutableSortedSet.CreateBuilder(ObservedRemoveSet<T>.DotOrder);
            (string Replica, long Sequence)? previousDot = null;
            for (var j = 0; j < dotCount; j++)
            {
                if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2
                    || !TryReadDot(ref reader, out var replica, out var sequence)
                    || !versions.TryGetValue(replica, out var issued) || sequence > issued
                    || (previousDot is { } previous && ObservedRemoveSet<T>.DotOrder.Compare(previous, (replica, sequence)) >= 0))
                {
                    return false;
                }

                dots.Add((replica, sequence));
                previousDot = (replica, sequence);
            }

            entries.Add(encoding, new TaggedElement<T>(item, dots.ToImmutable()));
            previousEncoding = encoding;
        }

        value = ObservedRemoveSet<T>.FromParts(element, entries.ToImmutable(), versions.ToImmutable());
        return true;
    }

    // A replica id (str) then a sequence number (int, at least 1).
    private static bool TryReadDot(ref MessagePackReader reader, [NotNullWhen(true)] out string? replica, out long sequence)
    {
        replica = null;
        sequence = 0;
        if (reader.NextMessagePackType != MessagePackType.String)
        {
            return false;
        }

        replica = reader.ReadString()!;
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            return false;
        }

        sequence = reader.ReadInt64();
        return sequence >= 1;
    }

    private MergeResult<ObservedRemoveSet<T>> MergeSets(Ancestor<ObservedRemoveSet<T>> ancestor, ObservedRemoveSet<T> ours, ObservedRemoveSet<T> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);

        // Equal sides agree on every add and remove: no ancestor needed.
        if (ours.Equals(theirs))
        {
            return MergeResult<ObservedRemoveSet<T>>.Ok(ours);
        }

        var old = ancestor.Get();
        if (!old.TryGetValue(out var found))
        {
            return MergeResult<ObservedRemoveSet<T>>.Failed(old.Conflicts);
        }

        // A side unchanged from the ancestor did nothing; within one history the merge below
        // gives the other side too, and this keeps merge(o, o, x) = x for any values.
        var origin = found.HasValue ? found.Value : Empty;
        if (origin.Equals(ours))
        {
            return MergeResult<ObservedRemoveSet<T>>.Ok(theirs);
        }

        if (origin.Equals(theirs))
        {
            return MergeResult<ObservedRemoveSet<T>>.Ok(ours);
        }

        var entries = ImmutableSortedDictionary.CreateBuilder<byte[], TaggedElement<T>>(ObservedRemoveSet<T>.EncodingOrder);
        foreach (var encoding in ours.Entries.Keys.Concat(theirs.Entries.Keys.Where(k => !ours.Entries.ContainsKey(k))))
        {
            var inOurs = ours.Entries.TryGetValue(encoding, out var a);
            var inTheirs = theirs.Entries.TryGetValue(encoding, out var b);
            var inOrigin = origin.Entries.TryGetValue(encoding, out var o);
            var candidates = inOurs && inTheirs ? a.Dots.Union(b.Dots) : inOurs ? a.Dots : b.Dots;
            var kept = candidates.ToBuilder();
            foreach (var dot in candidates)
            {
                // Removed when the ancestor had it and a side dropped it.
                var removed = inOrigin && o.Dots.Contains(dot) && !(inOurs && a.Dots.Contains(dot) && inTheirs && b.Dots.Contains(dot));
                if (removed)
                {
                    kept.Remove(dot);
                }
            }

            if (kept.Count > 0)
            {
                entries.Add(encoding, new TaggedElement<T>(inOurs ? a.Item : b.Item, kept.ToImmutable()));
            }
        }

        var versions = ours.Versions.ToBuilder();
        foreach (var (replica, sequence) in theirs.Versions)
        {
            if (sequence > versions.GetValueOrDefault(replica))
            {
                versions[replica] = sequence;
            }
        }

        return MergeResult<ObservedRemoveSet<T>>.Ok(ObservedRemoveSet<T>.FromParts(element, entries.ToImmutable(), versions.ToImmutable()));
    }
}
