using System.Collections.Immutable;

namespace IrminSharp.Merge;

/// <summary>
/// Three-way merge combinators: small merges of base types, and ways to build merges of larger
/// types from them.
/// </summary>
public static partial class Merges
{
    private const int RenderLimit = 60;

    /// <summary>
    /// The default merge: equal sides merge; a side equal to the ancestor yields to the other;
    /// anything else conflicts.
    /// </summary>
    public static MergeFunction<T> Default<T>(IEqualityComparer<T>? comparer = null)
    {
        var eq = comparer ?? EqualityComparer<T>.Default;
        return (ancestor, ours, theirs) =>
        {
            if (eq.Equals(ours, theirs))
            {
                return MergeResult<T>.Ok(ours);
            }

            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<T>.Failed(old.Conflicts);
            }

            if (found.HasValue)
            {
                if (eq.Equals(found.Value, ours))
                {
                    return MergeResult<T>.Ok(theirs);
                }

                if (eq.Equals(found.Value, theirs))
                {
                    return MergeResult<T>.Ok(ours);
                }
            }

            return MergeResult<T>.Failed(new Conflict(
                string.Empty,
                found.HasValue ? "both sides changed the value differently" : "both sides added different values",
                found.HasValue ? Render(found.Value) : null,
                Render(ours),
                Render(theirs)));
        };
    }

    /// <summary>Merges only equal sides; the ancestor is never consulted.</summary>
    public static MergeFunction<T> Idempotent<T>(IEqualityComparer<T>? comparer = null)
    {
        var eq = comparer ?? EqualityComparer<T>.Default;
        return (_, ours, theirs) => eq.Equals(ours, theirs)
            ? MergeResult<T>.Ok(ours)
            : MergeResult<T>.Failed(new Conflict(string.Empty, "the two sides differ", null, Render(ours), Render(theirs)));
    }

    /// <summary>
    /// Lifts a merge to values that may be absent: adds and removes on either side apply; a side
    /// that removed what the other changed conflicts; two present sides merge with
    /// <paramref name="merge"/>.
    /// </summary>
    public static MergeFunction<Option<T>> Option<T>(MergeFunction<T> merge, IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(merge);
        var eq = comparer ?? EqualityComparer<T>.Default;
        return (ancestor, ours, theirs) =>
        {
            if (!ours.HasValue && !theirs.HasValue)
            {
                return MergeResult<Option<T>>.Ok(ours);
            }

            // Two present sides always go to the inner merge, even when equal: a counter
            // incremented alike on both sides must count both increments.
            if (ours.HasValue && theirs.HasValue)
            {
                var inner = Ancestor<T>.Lazy(() => ancestor.Get().Select(found => found.HasValue ? found.Value : Merge.Option<T>.None));
                return merge(inner, ours.Value, theirs.Value).Select(Merge.Option<T>.Some);
            }

            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<Option<T>>.Failed(old.Conflicts);
            }

            var baseValue = found.HasValue ? found.Value : Merge.Option<T>.None;
            if (baseValue.Equals(ours, eq))
            {
                return MergeResult<Option<T>>.Ok(theirs);
            }

            if (baseValue.Equals(theirs, eq))
            {
                return MergeResult<Option<T>>.Ok(ours);
            }

            return MergeResult<Option<T>>.Failed(new Conflict(
                string.Empty,
                ours.HasValue ? "we changed a value they removed" : "they changed a value we removed",
                baseValue.HasValue ? Render(baseValue.Value) : null,
                ours.HasValue ? Render(ours.Value) : null,
                theirs.HasValue ? Render(theirs.Value) : null));
        };
    }

    /// <summary>
    /// Lifts a merge to values that may be absent, where an absent value counts as
    /// <paramref name="absent"/> (an empty set, a zero counter). Both sides absent stay absent; a
    /// removal wins over a side left unchanged; an addition against an absent ancestor stands;
    /// anything else goes to <paramref name="merge"/> with absent values replaced, and its result
    /// is present even when it equals <paramref name="absent"/>.
    /// </summary>
    /// <param name="merge">The merge of present values.</param>
    /// <param name="absent">What an absent value counts as.</param>
    /// <param name="comparer">Equality of values, to tell an unchanged side.</param>
    public static MergeFunction<Option<T>> AbsentAs<T>(MergeFunction<T> merge, T absent, IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(merge);
        var eq = comparer ?? EqualityComparer<T>.Default;
        return (ancestor, ours, theirs) =>
        {
            if (!ours.HasValue && !theirs.HasValue)
            {
                return MergeResult<Option<T>>.Ok(ours);
            }

            var inner = Ancestor<T>.Lazy(() => ancestor.Get().Select(found => Merge.Option<T>.Some(found.HasValue ? found.Value.GetValueOrDefault(absent) : absent)));
            if (ours.HasValue && theirs.HasValue)
            {
                return merge(inner, ours.Value, theirs.Value).Select(Merge.Option<T>.Some);
            }

            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<Option<T>>.Failed(old.Conflicts);
            }

            var baseValue = found.HasValue ? found.Value : Merge.Option<T>.None;
            var present = ours.HasValue ? ours : theirs;
            if (!baseValue.HasValue)
            {
                return MergeResult<Option<T>>.Ok(present);
            }

            if (eq.Equals(baseValue.Value, present.Value))
            {
                return MergeResult<Option<T>>.Ok(Merge.Option<T>.None);
            }

            return merge(inner, ours.GetValueOrDefault(absent), theirs.GetValueOrDefault(absent)).Select(Merge.Option<T>.Some);
        };
    }

    /// <summary>Merges pairs component by component; conflicts of both components are reported.</summary>
    public static MergeFunction<(TFirst First, TSecond Second)> Pair<TFirst, TSecond>(MergeFunction<TFirst> first, MergeFunction<TSecond> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return (ancestor, ours, theirs) =>
        {
            var a = first(ancestor.Select(p => p.First), ours.First, theirs.First);
            var b = second(ancestor.Select(p => p.Second), ours.Second, theirs.Second);
            if (a.IsOk && b.IsOk)
            {
                return MergeResult<(TFirst, TSecond)>.Ok((a.Value, b.Value));
            }

            return MergeResult<(TFirst, TSecond)>.Failed(a.Under("0").Conflicts.AddRange(b.Under("1").Conflicts));
        };
    }

    /// <summary>
    /// Merges sorted dictionaries key by key with <paramref name="valueMerge"/> (absent keys are
    /// <see cref="Option{T}.None"/>; a merged None removes the key). Every conflicting key is
    /// reported, each under its key (rendered with <see cref="object.ToString"/>).
    /// </summary>
    /// <param name="valueMerge">The merge of one key's values.</param>
    /// <param name="keyOrder">The key order of the merged dictionary; by default, our side's.</param>
    public static MergeFunction<ImmutableSortedDictionary<TKey, TValue>> Dictionary<TKey, TValue>(MergeFunction<Option<TValue>> valueMerge, IComparer<TKey>? keyOrder = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(valueMerge);
        return (ancestor, ours, theirs) =>
        {
            ArgumentNullException.ThrowIfNull(ours);
            ArgumentNullException.ThrowIfNull(theirs);
            if (keyOrder is not null)
            {
                ours = ours.WithComparers(keyOrder);
            }

            var old = ancestor.Get();
            if (!old.TryGetValue(out var found))
            {
                return MergeResult<ImmutableSortedDictionary<TKey, TValue>>.Failed(old.Conflicts);
            }

            var baseMap = found.HasValue ? found.Value : ImmutableSortedDictionary.Create<TKey, TValue>(ours.KeyComparer, ours.ValueComparer);
            var result = ours.ToBuilder();
            var conflicts = ImmutableArray.CreateBuilder<Conflict>();
            var keys = new SortedSet<TKey>(ours.Keys.Concat(theirs.Keys).Concat(baseMap.Keys), ours.KeyComparer);
            foreach (var key in keys)
            {
                var o = Get(baseMap, key);
                var a = Get(ours, key);
                var b = Get(theirs, key);
                // Theirs unchanged: ours stands. (Equal sides still merge: counters add up.)
                if (b.Equals(o, ours.ValueComparer))
                {
                    continue;
                }

                var merged = valueMerge(Ancestor<Option<TValue>>.Of(o), a, b);
                if (!merged.TryGetValue(out var value))
                {
                    conflicts.AddRange(merged.Under(key.ToString() ?? string.Empty).Conflicts);
                    continue;
                }

                if (value.HasValue)
                {
                    result[key] = value.Value;
                }
                else
                {
                    result.Remove(key);
                }
            }

            return conflicts.Count > 0
                ? MergeResult<ImmutableSortedDictionary<TKey, TValue>>.Failed(conflicts.ToImmutable())
                : MergeResult<ImmutableSortedDictionary<TKey, TValue>>.Ok(result.ToImmutable());
        };
    }

    /// <summary>Tries each merge in turn and returns the first success, else the last failure.</summary>
    public static MergeFunction<T> FirstSuccess<T>(params MergeFunction<T>[] merges)
    {
        ArgumentNullException.ThrowIfNull(merges);
        if (merges.Length == 0)
        {
            throw new ArgumentException("At least one merge is needed.", nameof(merges));
        }

        return (ancestor, ours, theirs) =>
        {
            MergeResult<T> result = default;
            foreach (var merge in merges)
            {
                result = merge(ancestor, ours, theirs);
                if (result.IsOk)
                {
                    return result;
                }
            }

            return result;
        };
    }

    /// <summary>Merges values of one type through a conversion to another type and back.</summary>
    public static MergeFunction<TValue> Like<TValue, TOther>(MergeFunction<TOther> merge, Func<TValue, TOther> to, Func<TOther, TValue> from)
    {
        ArgumentNullException.ThrowIfNull(merge);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        return (ancestor, ours, theirs) => merge(ancestor.Select(to), to(ours), to(theirs)).Select(from);
    }

    /// <summary>
    /// A short rendering of a value for conflict reports: its <see cref="object.ToString"/> (byte
    /// arrays in hex), cut to about 60 characters.
    /// </summary>
    public static string Render<T>(T value)
    {
        if (value is byte[] bytes)
        {
            var shown = Math.Min(bytes.Length, RenderLimit / 2);
            return Convert.ToHexStringLower(bytes.AsSpan(0, shown)) + (shown < bytes.Length ? "…" : string.Empty);
        }

        var text = value?.ToString() ?? "null";
        return text.Length > RenderLimit ? text[..(RenderLimit - 1)] + "…" : text;
    }

    private static Option<TValue> Get<TKey, TValue>(ImmutableSortedDictionary<TKey, TValue> map, TKey key)
        where TKey : notnull =>
        map.TryGetValue(key, out var value) ? Merge.Option<TValue>.Some(value) : Merge.Option<TValue>.None;
}
