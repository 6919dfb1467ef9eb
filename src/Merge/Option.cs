using System.Diagnostics.CodeAnalysis;

namespace IrminSharp.Merge;

/// <summary>A value that may be absent: a removed file, a missing ancestor, an empty register.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
public readonly struct Option<T> : IEquatable<Option<T>>
{
    private readonly T value;

    private Option(T value)
    {
        this.value = value;
        HasValue = true;
    }

    /// <summary>The absent value.</summary>
    public static Option<T> None => default;

    /// <summary>Whether a value is present.</summary>
    public bool HasValue { get; }

    /// <summary>The value. Throws when absent.</summary>
    public T Value => HasValue ? value : throw new InvalidOperationException("The option has no value.");

    /// <summary>A present value.</summary>
    public static Option<T> Some(T value) => new(value);

    /// <summary>Gets the value when present.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T result)
    {
        result = value;
        return HasValue;
    }

    /// <summary>The value, or <paramref name="fallback"/> when absent.</summary>
    public T GetValueOrDefault(T fallback) => HasValue ? value : fallback;

    /// <summary>Maps a present value.</summary>
    public Option<TResult> Select<TResult>(Func<T, TResult> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return HasValue ? Option<TResult>.Some(map(value)) : Option<TResult>.None;
    }

    /// <inheritdoc/>
    public bool Equals(Option<T> other) =>
        HasValue == other.HasValue && (!HasValue || EqualityComparer<T>.Default.Equals(value, other.value));

    /// <summary>Equality with a custom comparer for the value.</summary>
    public bool Equals(Option<T> other, IEqualityComparer<T> comparer)
    {
        ArgumentNullException.ThrowIfNull(comparer);
        return HasValue == other.HasValue && (!HasValue || comparer.Equals(value, other.value));
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Option<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HasValue ? HashCode.Combine(true, value) : 0;

    /// <inheritdoc/>
    public override string ToString() => HasValue ? $"Some({value})" : "None";

    /// <summary>Equality.</summary>
    public static bool operator ==(Option<T> left, Option<T> right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Option<T> left, Option<T> right) => !left.Equals(right);
}
