using System.Collections.Immutable;

namespace IrminSharp.Merge;

/// <content>The merges of data types: sets, multisets, counters and last-writer-wins values.</content>
public static partial class Merges
{
    /// <summary>
    /// Merges sets: elements added by either side are added, elements removed by either side are
    /// removed. An absent ancestor is the empty set. Commutative.
    /// </summary>
    public static MergeFunction<ImmutableSortedSet<T>> Set<T>()
    {
        return (ancestor, ours, theirs) =>
        {
            ArgumentNullException.ThrowIfNull(ours);
            ArgumentNullException.ThrowIfNull(theirs);

            // Equal sides agree on every add and remove: no ancestor needed.
            if (ours.SetEquals(theirs))
            {
                return MergeResult<ImmutableSortedSet<T>>.Ok(ours);
            }

            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<ImmutableSortedSet<T>>.Failed(old.Conflicts);
            }

            var baseSet = found.HasValue ? found.Value : ImmutableSortedSet.Create<T>(ours.KeyComparer);
            var removed = baseSet.Except(ours).Union(baseSet.Except(theirs));
            var merged = ours.Union(theirs).Except(removed);
            return MergeResult<ImmutableSortedSet<T>>.Ok(merged);
        };
    }

    /// <summary>
    /// Merges multisets (element → count): each count becomes ours + theirs − ancestor, an absent
    /// element counting 0. Counts that come to 0 are dropped; counts below 0 are kept, so that the
    /// merge stays linear: replicas that merged the same edits in any order hold the same counts.
    /// An element is in the multiset when its count is positive. Commutative; overflow of a count
    /// is a conflict on that element.
    /// </summary>
    public static MergeFunction<ImmutableSortedDictionary<T, long>> Multiset<T>()
        where T : notnull
    {
        var counter = Counter();
        return Dictionary<T, long>((ancestor, ours, theirs) =>
        {
            var count = counter(
                Ancestor<long>.Lazy(() => ancestor.Get().Select(o => Merge.Option<long>.Some(o.HasValue && o.Value.HasValue ? o.Value.Value : 0))),
                ours.GetValueOrDefault(0),
                theirs.GetValueOrDefault(0));
            return count.Select(c => c != 0 ? Merge.Option<long>.Some(c) : Merge.Option<long>.None);
        });
    }

    /// <summary>
    /// Merges counters: ours + theirs − ancestor (an absent ancestor is 0), computed in 128 bits so
    /// that only a result outside <see cref="long"/> conflicts. Commutative, and linear: the count
    /// at any merge is the sum of every change in its history, whatever order replicas merged in.
    /// </summary>
    public static MergeFunction<long> Counter()
    {
        return (ancestor, ours, theirs) =>
        {
            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<long>.Failed(old.Conflicts);
            }

            var baseValue = found.HasValue ? found.Value : 0;
            var merged = (Int128)ours + theirs - baseValue;
            return merged >= long.MinValue && merged <= long.MaxValue
                ? MergeResult<long>.Ok((long)merged)
                : MergeResult<long>.Failed(new Conflict(string.Empty, "the merged counter overflows", Render(baseValue), Render(ours), Render(theirs)));
        };
    }

    /// <summary>
    /// Last writer wins, three-way: equal sides merge; a side unchanged from the ancestor yields to
    /// the other (it wrote nothing, whatever the clocks say); otherwise the side with the larger
    /// <paramref name="timestamp"/> wins, and equal timestamps go to the larger side under
    /// <paramref name="tieBreak"/>. Symmetric; an ancestor that is absent or whose computation
    /// conflicts is ignored.
    /// </summary>
    /// <remarks>
    /// Replicas converge whatever order they merge in when timestamps grow along every history
    /// (each write is stamped later than the value it replaces, as <see cref="LwwRegister{T}.Write"/>
    /// ensures): the merged value is then the latest write in the merged history. A write stamped
    /// earlier than the value it replaced wins against an unchanged side but loses against a
    /// concurrent write, so the result can depend on the merge order.
    /// </remarks>
    /// <param name="timestamp">When a value was written.</param>
    /// <param name="tieBreak">
    /// A total order for values with equal timestamps; by default <see cref="Comparer{T}.Default"/>,
    /// which needs <typeparamref name="T"/> to be comparable. Two different values it cannot order
    /// conflict.
    /// </param>
    /// <param name="comparer">Equality of values; by default <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <exception cref="ArgumentException">No <paramref name="tieBreak"/> and <typeparamref name="T"/> is not comparable.</exception>
    public static MergeFunction<T> LastWriterWins<T>(Func<T, long> timestamp, IComparer<T>? tieBreak = null, IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        if (tieBreak is null && !typeof(IComparable<T>).IsAssignableFrom(typeof(T)) && !typeof(IComparable).IsAssignableFrom(typeof(T)))
        {
            throw new ArgumentException($"{typeof(T).Name} is not comparable: pass a tie-break order, or a content type to order ties by encoding.", nameof(tieBreak));
        }

        var order = tieBreak ?? Comparer<T>.Default;
        var eq = comparer ?? EqualityComparer<T>.Default;
        return (ancestor, ours, theirs) =>
        {
            if (eq.Equals(ours, theirs))
            {
                return MergeResult<T>.Ok(ours);
            }

            if (ancestor.Get().TryGetValue(out var found) && found.TryGetValue(out var original))
            {
                if (eq.Equals(original, ours))
                {
                    return MergeResult<T>.Ok(theirs);
                }

                if (eq.Equals(original, theirs))
                {
                    return MergeResult<T>.Ok(ours);
                }
            }

            var c = timestamp(ours).CompareTo(timestamp(theirs));
            if (c == 0)
            {
                try
                {
                    c = order.Compare(ours, theirs);
                }
                catch (ArgumentException)
                {
                    // Comparer<T>.Default of a type that is comparable only in part (a tuple
                    // holding an object): the values cannot be ordered, which is a conflict.
                    c = 0;
                }
            }

            return c == 0
                ? MergeResult<T>.Failed(new Conflict(string.Empty, "equal timestamps, and the tie-break order cannot tell the values apart", null, Render(ours), Render(theirs)))
                : MergeResult<T>.Ok(c > 0 ? ours : theirs);
        };
    }

    /// <summary>
    /// Last writer wins as <see cref="LastWriterWins{T}(Func{T, long}, IComparer{T}?, IEqualityComparer{T}?)"/>,
    /// with values compared by their encoding under <paramref name="codec"/>: equal encodings are
    /// equal values, and equal timestamps go to the larger encoding (bytes compared in order).
    /// Never conflicts.
    /// </summary>
    public static MergeFunction<T> LastWriterWins<T>(Func<T, long> timestamp, IContentType<T> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        byte[] Encoded(T value)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            codec.Encode(value, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        var byBytes = Comparer<T>.Create((x, y) => Encoded(x!).AsSpan().SequenceCompareTo(Encoded(y!)));
        var sameBytes = EqualityComparer<T>.Create((x, y) => Encoded(x!).AsSpan().SequenceEqual(Encoded(y!)), x => 0);
        return LastWriterWins(timestamp, byBytes, sameBytes);
    }
}
