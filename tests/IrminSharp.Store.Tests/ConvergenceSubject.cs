using System.Buffers;
using IrminSharp.Merge;

namespace IrminSharp.Store.Tests;

/// <summary>
/// A content type under test in <see cref="ReplicaSimulation{T}"/>: the type, the values the
/// paths start from, the edits a replica makes, and what the type claims about merges.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed record ConvergenceSubject<T>
{
    /// <summary>The name shown in failure reports.</summary>
    public required string Name { get; init; }

    /// <summary>The content type.</summary>
    public required IContentType<T> ContentType { get; init; }

    /// <summary>A value numbered <c>n</c>: what path <c>n</c> holds in the base commit, and what hand-resolved conflicts agree on.</summary>
    public required Func<int, T> Sample { get; init; }

    /// <summary>
    /// An edit: from the current value (none: absent), the replica id, a parameter in [0, 64) and
    /// the number of the step (unique in a simulation), the new value (none: remove the path).
    /// </summary>
    public required Func<Option<T>, string, int, int, Option<T>> Edit { get; init; }

    /// <summary>Which removals of a whole value replicas make (the edits remove at some parameters).</summary>
    public PathRemoval Removal { get; init; } = PathRemoval.Recreated;

    /// <summary>
    /// For types that keep every edit as an entry (logs), the number of entries of a value: a
    /// merge of every replica's head must then hold, at each path, the base value's entries plus
    /// one per edit made there anywhere. Null for other types.
    /// </summary>
    public Func<T, int>? Entries { get; init; }

    /// <summary>Whether no merge of these edits may ever conflict.</summary>
    public bool NeverConflicts { get; init; }

    /// <summary>A short rendering of a value that may be absent.</summary>
    public string Show(Option<T> value) => value.HasValue ? ContentType.Format(value.Value) : "(absent)";

    /// <summary>The canonical encoding of a value.</summary>
    public byte[] Encode(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ContentType.Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
