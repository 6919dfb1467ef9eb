using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Append-only logs of <typeparamref name="T"/>.
/// </summary>
/// <remarks>
/// <para>
/// Order: every entry carries a Lamport stamp, 1 + the highest stamp in the log it was appended
/// to, and the log is ordered by stamp, then by the entry's encoding. So an entry follows every
/// entry its writer had seen, a replica's own appends keep their order, and entries appended
/// concurrently (which may share a stamp) take the order of their bytes. The order depends only
/// on which entries a log holds, so replicas holding the same entries show them in the same
/// order; an entry merged in from another replica may land before entries already shown.
/// </para>
/// <para>
/// Merge: a log is a multiset of stamped entries, and the merge is ours + theirs − ancestor:
/// every entry either side appended is kept, an entry appended alike on both sides (same value,
/// same stamp) is kept twice, as a counter counts both increments, and the result is the same
/// whatever order replicas merge in, however often they sync. A side that dropped an entry of the
/// ancestor while the other side also changed the log conflicts. Removing the whole log follows
/// <see cref="Merges.Option{T}"/>: removed against unchanged is removed, removed against appended
/// conflicts.
/// </para>
/// <para>
/// Encoding: a MessagePack array with one <c>[stamp, bin entry]</c> array per entry, in log order;
/// stamps are positive integers in their smallest form.
/// </para>
/// </remarks>
/// <typeparam name="T">The type of the entries.</typeparam>
public sealed class AppendOnlyLogContents<T> : IContentType<AppendOnlyLog<T>>
{
    private readonly IContentType<T> entry;

    /// <summary>Logs whose entries use <paramref name="entry"/>'s codec.</summary>
    public AppendOnlyLogContents(IContentType<T> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        this.entry = entry;
        var same = EqualityComparer<AppendOnlyLog<T>>.Create(SameLog, log => log.Count);
        Merge = Merges.Option<AppendOnlyLog<T>>(MergeLogs, same);
    }

    /// <inheritdoc/>
    public string Name => "log-" + entry.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<AppendOnlyLog<T>>> Merge { get; }

    /// <inheritdoc/>
    public void Encode(AppendOnlyLog<T> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(value.Count);
        foreach (var (stamp, item) in value.Entries)
        {
            w.WriteArrayHeader(2);
            w.Write(stamp);
            w.Write(EncodeEntry(item));
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out AppendOnlyLog<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    /// <inheritdoc/>
    public string Format(AppendOnlyLog<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var last = value.Skip(Math.Max(0, value.Count - 3)).Select(entry.Format);
        return $"{value.Count} entries" + (value.Count > 0 ? ", last: " + string.Join(", ", last) : string.Empty);
    }

    // An array of [stamp, bin entry] in log order: stamps positive and non-decreasing, entries
    // with equal stamps non-decreasing by bytes.
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out AppendOnlyLog<T> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var count = reader.ReadArrayHeader();
        var builder = ImmutableList.CreateBuilder<LogEntry<T>>();
        var previous = default(Stamped);
        for (var i = 0; i < count; i++)
        {
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2
                || reader.NextMessagePackType != MessagePackType.Integer)
            {
                return false;
            }

            var stamp = reader.ReadInt64();
            var encoded = reader.ReadBytes()?.ToArray();
            if (stamp <= 0 || encoded is null || !entry.TryDecode(encoded, out var item))
            {
                return false;
            }

            var current = new Stamped(stamp, encoded, item);
            if (i > 0 && Compare(previous, current) > 0)
            {
                return false;
            }

            builder.Add(new LogEntry<T>(stamp, item));
            previous = current;
        }

        value = AppendOnlyLog<T>.FromOrdered(builder.ToImmutable());
        return true;
    }

    private MergeResult<AppendOnlyLog<T>> MergeLogs(Ancestor<AppendOnlyLog<T>> ancestor, AppendOnlyLog<T> ours, AppendOnlyLog<T> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        var old = ancestor.Get();
        if (!old.TryGetValue(out var found))
        {
            return MergeResult<AppendOnlyLog<T>>.Failed(old.Conflicts);
        }

        var o = Stamp(found.HasValue ? found.Value : AppendOnlyLog<T>.Empty);
        var a = Stamp(ours);
        var b = Stamp(theirs);
        if (Same(o, a))
        {
            return MergeResult<AppendOnlyLog<T>>.Ok(theirs);
        }

        if (Same(o, b))
        {
            return MergeResult<AppendOnlyLog<T>>.Ok(ours);
        }

        // Walk the three sorted logs together, one distinct entry at a time; each keeps
        // ours + theirs − ancestor copies.
        var merged = ImmutableList.CreateBuilder<LogEntry<T>>();
        int i = 0, j = 0, k = 0;
        while (j < a.Count || k < b.Count || i < o.Count)
        {
            var next = Smallest(o, i, a, j, b, k);
            var inBase = Run(o, ref i, next);
            var inOurs = Run(a, ref j, next);
            var inTheirs = Run(b, ref k, next);
            if (inOurs < inBase || inTheirs < inBase)
            {
                return MergeResult<AppendOnlyLog<T>>.Failed(new Conflict(
                    string.Empty,
                    "a side removed entries of the append-only log",
                    Format(found.HasValue ? found.Value : AppendOnlyLog<T>.Empty),
                    Format(ours),
                    Format(theirs)));
            }

            for (var copies = inOurs + inTheirs - inBase; copies > 0; copies--)
            {
                merged.Add(new LogEntry<T>(next.Stamp, next.Value));
            }
        }

        return MergeResult<AppendOnlyLog<T>>.Ok(AppendOnlyLog<T>.FromOrdered(merged.ToImmutable()));
    }

    private static Stamped Smallest(List<Stamped> o, int i, List<Stamped> a, int j, List<Stamped> b, int k)
    {
        Stamped? best = null;
        foreach (var (log, at) in new[] { (o, i), (a, j), (b, k) })
        {
            if (at < log.Count && (best is null || Compare(log[at], best.Value) < 0))
            {
                best = log[at];
            }
        }

        return best!.Value;
    }

    // How many entries equal to key start at log[at]; moves at past them.
    private static int Run(List<Stamped> log, ref int at, Stamped key)
    {
        var start = at;
        while (at < log.Count && Compare(log[at], key) == 0)
        {
            at++;
        }

        return at - start;
    }

    private static int Compare(Stamped x, Stamped y)
    {
        var c = x.Stamp.CompareTo(y.Stamp);
        return c != 0 ? c : x.Bytes.AsSpan().SequenceCompareTo(y.Bytes);
    }

    private static bool Same(List<Stamped> x, List<Stamped> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (Compare(x[i], y[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private List<Stamped> Stamp(AppendOnlyLog<T> log) => [.. log.Entries.Select(e => new Stamped(e.Stamp, EncodeEntry(e.Value), e.Value))];

    private bool SameLog(AppendOnlyLog<T>? x, AppendOnlyLog<T>? y) =>
        x is null || y is null ? x is null && y is null : Same(Stamp(x), Stamp(y));

    private byte[] EncodeEntry(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        entry.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private readonly record struct Stamped(long Stamp, byte[] Bytes, T Value);
}
