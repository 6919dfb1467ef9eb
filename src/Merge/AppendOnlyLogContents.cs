using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Append-only logs of <typeparamref name="T"/>. Encoding: a MessagePack array of the entries'
/// encodings (as bin), in log order. Merge: the ancestor's entries, then the entries both sides
/// appended alike, then each side's remaining appended entries, the side whose entries encode
/// smaller first (so the merge is symmetric). A side that changed or dropped an ancestor entry
/// conflicts. An absent log counts as empty, except that removing it wins over a side that left
/// it alone.
/// </summary>
/// <typeparam name="T">The type of the entries.</typeparam>
public sealed class AppendOnlyLogContents<T> : IContentType<ImmutableList<T>>
{
    private readonly IContentType<T> entry;

    /// <summary>Logs whose entries use <paramref name="entry"/>'s codec.</summary>
    public AppendOnlyLogContents(IContentType<T> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        this.entry = entry;
        var same = EqualityComparer<ImmutableList<T>>.Create(SameLog, log => log.Count);
        Merge = Merges.AbsentAs<ImmutableList<T>>(MergeLogs, [], same);
    }

    /// <inheritdoc/>
    public string Name => "log-" + entry.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<ImmutableList<T>>> Merge { get; }

    /// <inheritdoc/>
    public void Encode(ImmutableList<T> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(value.Count);
        foreach (var item in value)
        {
            w.Write(EncodeEntry(item));
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out ImmutableList<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    // An array of the entries' encodings (bin), oldest first.
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out ImmutableList<T> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var count = reader.ReadArrayHeader();
        var builder = ImmutableList.CreateBuilder<T>();
        for (var i = 0; i < count; i++)
        {
            var encoded = reader.ReadBytes()?.ToArray();
            if (encoded is null || !entry.TryDecode(encoded, out var item))
            {
                return false;
            }

            builder.Add(item);
        }

        value = builder.ToImmutable();
        return true;
    }

    /// <inheritdoc/>
    public string Format(ImmutableList<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var last = value.Skip(Math.Max(0, value.Count - 3)).Select(entry.Format);
        return $"{value.Count} entries" + (value.Count > 0 ? ", last: " + string.Join(", ", last) : string.Empty);
    }

    private MergeResult<ImmutableList<T>> MergeLogs(Ancestor<ImmutableList<T>> ancestor, ImmutableList<T> ours, ImmutableList<T> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        var a = ours.Select(EncodeEntry).ToList();
        var b = theirs.Select(EncodeEntry).ToList();
        if (Same(a, b))
        {
            return MergeResult<ImmutableList<T>>.Ok(ours);
        }

        var old = ancestor.Get();
        if (!old.TryGetValue(out var found))
        {
            return MergeResult<ImmutableList<T>>.Failed(old.Conflicts);
        }

        var o = found.HasValue ? found.Value.Select(EncodeEntry).ToList() : [];
        if (Same(o, a))
        {
            return MergeResult<ImmutableList<T>>.Ok(theirs);
        }

        if (Same(o, b))
        {
            return MergeResult<ImmutableList<T>>.Ok(ours);
        }

        if (!StartsWith(a, o) || !StartsWith(b, o))
        {
            return MergeResult<ImmutableList<T>>.Failed(new Conflict(
                string.Empty,
                "a side rewrote entries of the append-only log",
                $"{o.Count} entries",
                Format(ours),
                Format(theirs)));
        }

        // Entries both sides appended alike (say, from a shared earlier merge) are kept once.
        var shared = o.Count;
        while (shared < a.Count && shared < b.Count && a[shared].AsSpan().SequenceEqual(b[shared]))
        {
            shared++;
        }

        var oursFirst = CompareEntries(a, b, shared) <= 0;
        var (first, second) = oursFirst ? (ours, theirs) : (theirs, ours);
        var merged = ours.GetRange(0, shared)
            .AddRange(first.GetRange(shared, first.Count - shared))
            .AddRange(second.GetRange(shared, second.Count - shared));
        return MergeResult<ImmutableList<T>>.Ok(merged);
    }

    private static bool Same(List<byte[]> x, List<byte[]> y) => x.Count == y.Count && StartsWith(x, y);

    private static bool StartsWith(List<byte[]> log, List<byte[]> prefix)
    {
        if (log.Count < prefix.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!log[i].AsSpan().SequenceEqual(prefix[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int CompareEntries(List<byte[]> x, List<byte[]> y, int from)
    {
        for (var i = from; i < x.Count && i < y.Count; i++)
        {
            var c = x[i].AsSpan().SequenceCompareTo(y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private bool SameLog(ImmutableList<T>? x, ImmutableList<T>? y) =>
        x is null || y is null ? x is null && y is null : Same(x.Select(EncodeEntry).ToList(), y.Select(EncodeEntry).ToList());

    private byte[] EncodeEntry(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        entry.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
