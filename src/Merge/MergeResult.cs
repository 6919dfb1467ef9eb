using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace IrminSharp.Merge;

/// <summary>The outcome of a merge: a merged value, or every conflict found.</summary>
/// <typeparam name="T">The type of the merged value.</typeparam>
public readonly struct MergeResult<T>
{
    private readonly T value;
    private readonly ImmutableArray<Conflict> conflicts;

    private MergeResult(T value, ImmutableArray<Conflict> conflicts)
    {
        this.value = value;
        this.conflicts = conflicts;
    }

    /// <summary>Whether the merge succeeded.</summary>
    public bool IsOk => conflicts.IsDefaultOrEmpty;

    /// <summary>The merged value. Throws <see cref="InvalidOperationException"/> on a conflict.</summary>
    public T Value => IsOk ? value : throw new InvalidOperationException("The merge conflicted: " + string.Join("; ", conflicts));

    /// <summary>The conflicts; empty when the merge succeeded.</summary>
    public ImmutableArray<Conflict> Conflicts => conflicts.IsDefault ? ImmutableArray<Conflict>.Empty : conflicts;

    /// <summary>A successful merge.</summary>
    public static MergeResult<T> Ok(T value) => new(value, default);

    /// <summary>A conflict on the value itself (empty path).</summary>
    public static MergeResult<T> Conflict(string reason) => new(default!, [new Conflict(string.Empty, reason)]);

    /// <summary>A merge that failed with the given conflicts (at least one).</summary>
    public static MergeResult<T> Failed(ImmutableArray<Conflict> conflicts)
    {
        if (conflicts.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A failed merge needs at least one conflict.", nameof(conflicts));
        }

        return new(default!, conflicts);
    }

    /// <summary>A merge that failed with one conflict.</summary>
    public static MergeResult<T> Failed(Conflict conflict)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        return new(default!, [conflict]);
    }

    /// <summary>Gets the value when the merge succeeded.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T result)
    {
        result = value;
        return IsOk;
    }

    /// <summary>Maps a merged value; conflicts pass through.</summary>
    public MergeResult<TResult> Select<TResult>(Func<T, TResult> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return IsOk ? MergeResult<TResult>.Ok(map(value)) : MergeResult<TResult>.Failed(conflicts);
    }

    /// <summary>Chains a merge step; conflicts pass through.</summary>
    public MergeResult<TResult> Bind<TResult>(Func<T, MergeResult<TResult>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return IsOk ? next(value) : MergeResult<TResult>.Failed(conflicts);
    }

    /// <summary>The same result with every conflict moved under <paramref name="step"/>.</summary>
    public MergeResult<T> Under(string step) =>
        IsOk ? this : new(default!, conflicts.Select(c => c.Under(step)).ToImmutableArray());

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"Ok({value})" : "Conflict(" + string.Join("; ", conflicts) + ")";
}
