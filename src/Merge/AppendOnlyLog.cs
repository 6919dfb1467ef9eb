using System.Collections;
using System.Collections.Immutable;

namespace IrminSharp.Merge;

/// <summary>
/// An append-only log: values in the order of their Lamport stamps (see
/// <see cref="AppendOnlyLogContents{T}"/> for the order of entries appended concurrently).
/// Immutable; <see cref="Append"/> returns a new log.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class AppendOnlyLog<T> : IReadOnlyList<T>
{
    private AppendOnlyLog(ImmutableList<LogEntry<T>> entries) => Entries = entries;

    /// <summary>The empty log.</summary>
    public static AppendOnlyLog<T> Empty { get; } = new([]);

    /// <summary>The entries with their stamps, in log order.</summary>
    public ImmutableList<LogEntry<T>> Entries { get; }

    /// <summary>The highest stamp in the log (0 when empty): the next append is stamped one more.</summary>
    public long Clock => Entries.Count == 0 ? 0 : Entries[^1].Stamp;

    /// <inheritdoc/>
    public int Count => Entries.Count;

    /// <inheritdoc/>
    public T this[int index] => Entries[index].Value;

    /// <summary>A log of <paramref name="values"/> appended one after the other.</summary>
    public static AppendOnlyLog<T> Of(IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var log = Empty;
        foreach (var value in values)
        {
            log = log.Append(value);
        }

        return log;
    }

    /// <summary>The log with <paramref name="value"/> appended, stamped <see cref="Clock"/> + 1.</summary>
    /// <exception cref="OverflowException">The clock is at <see cref="long.MaxValue"/>.</exception>
    public AppendOnlyLog<T> Append(T value) => new(Entries.Add(new LogEntry<T>(checked(Clock + 1), value)));

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => Entries.Select(e => e.Value).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A log of entries already in log order (by stamp, then by encoding).</summary>
    internal static AppendOnlyLog<T> FromOrdered(ImmutableList<LogEntry<T>> entries) => entries.Count == 0 ? Empty : new(entries);
}
