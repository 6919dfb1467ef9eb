using System.Collections.Immutable;

namespace IrminSharp.Merge;

/// <summary>An element of an <see cref="ObservedRemoveSet{T}"/>: its value (the first added under its encoding) and its dots.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
internal readonly struct TaggedElement<T>(T item, ImmutableSortedSet<(string Replica, long Sequence)> dots)
{
    /// <summary>The value.</summary>
    public T Item { get; } = item;

    /// <summary>The dots, ordered by replica id (ordinal), then sequence number; never empty.</summary>
    public ImmutableSortedSet<(string Replica, long Sequence)> Dots { get; } = dots;
}
