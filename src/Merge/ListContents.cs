using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Lists of <typeparamref name="T"/> that merge by position. Encoding: a MessagePack array of the
/// elements' encodings (as bin), in list order. Merge: diff3 over the elements, compared by their
/// encodings (see <see cref="SequenceDiff"/>): edits of one side apply; identical edits of both
/// sides apply once; where both sides only inserted at the same place, both insertions are kept,
/// the run whose encodings compare smaller first (byte by byte, element by element, a run before
/// any longer run it begins), so the merge is symmetric; any other edits of both sides to the same
/// or touching elements conflict. Add/remove semantics as for <see cref="LinesContents"/>; an
/// absent ancestor is the empty list.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
public sealed class ListContents<T> : IContentType<ImmutableList<T>>
{
    private readonly IContentType<T> element;

    /// <summary>Lists whose elements use <paramref name="element"/>'s codec.</summary>
    public ListContents(IContentType<T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        this.element = element;
        var same = EqualityComparer<ImmutableList<T>>.Create(SameList, list => list.Count);
        Merge = Merges.Option<ImmutableList<T>>(MergeLists, same);
    }

    /// <inheritdoc/>
    public string Name => "list-" + element.Name;

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
            w.Write(EncodeElement(item));
        }

        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out ImmutableList<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    /// <inheritdoc/>
    public string Format(ImmutableList<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "[" + string.Join(", ", value.Take(8).Select(element.Format)) + (value.Count > 8 ? ", …]" : "]");
    }

    // An array of the elements' encodings (bin), in list order.
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
            if (encoded is null || !element.TryDecode(encoded, out var item))
            {
                return false;
            }

            builder.Add(item);
        }

        value = builder.ToImmutable();
        return true;
    }

    private MergeResult<ImmutableList<T>> MergeLists(Ancestor<ImmutableList<T>> ancestor, ImmutableList<T> ours, ImmutableList<T> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        var a = ours.Select(EncodeElement).ToList();
        var b = theirs.Select(EncodeElement).ToList();
        if (SameEncodings(a, b))
        {
            return MergeResult<ImmutableList<T>>.Ok(ours);
        }

        var old = ancestor.Get();
        if (!old.TryGetValue(out var found))
        {
            return MergeResult<ImmutableList<T>>.Failed(old.Conflicts);
        }

        var original = found.HasValue ? found.Value : [];
        var o = original.Select(EncodeElement).ToList();
        var encodings = new Interner<byte[]>(ByteSequenceEquality.Instance);
        var oIds = encodings.IdsOf(o);
        var aIds = encodings.IdsOf(a);
        var bIds = encodings.IdsOf(b);
        var merged = ImmutableList.CreateBuilder<T>();
        var conflicts = new List<Conflict>();
        var at = 0;
        foreach (var region in ThreeWayDiff.Regions(oIds, aIds, bIds))
        {
            merged.AddRange(original.GetRange(at, region.BaseStart - at));
            at = region.BaseEnd;
            var was = oIds.AsSpan(region.BaseStart..region.BaseEnd);
            var mine = aIds.AsSpan(region.OursStart..region.OursEnd);
            var other = bIds.AsSpan(region.TheirsStart..region.TheirsEnd);
            var oursRun = ours.GetRange(region.OursStart, region.OursEnd - region.OursStart);
            var theirsRun = theirs.GetRange(region.TheirsStart, region.TheirsEnd - region.TheirsStart);
            if (mine.SequenceEqual(other) || other.SequenceEqual(was))
            {
                merged.AddRange(oursRun);
            }
            else if (mine.SequenceEqual(was))
            {
                merged.AddRange(theirsRun);
            }
            else if (region.BaseStart == region.BaseEnd)
            {
                // Both sides inserted here, and only inserted: keep both, the smaller run first.
                var oursFirst = CompareRuns(a, region.OursStart, region.OursEnd, b, region.TheirsStart, region.TheirsEnd) <= 0;
                merged.AddRange(oursFirst ? oursRun : theirsRun);
                merged.AddRange(oursFirst ? theirsRun : oursRun);
            }
            else
            {
                conflicts.Add(new Conflict(
                    string.Empty,
                    $"both sides changed elements {region.BaseStart + 1}-{region.BaseEnd} differently",
                    Format(original.GetRange(region.BaseStart, region.BaseEnd - region.BaseStart)),
                    Format(oursRun),
                    Format(theirsRun)));
            }
        }

        merged.AddRange(original.GetRange(at, original.Count - at));
        return conflicts.Count > 0 ? MergeResult<ImmutableList<T>>.Failed([.. conflicts]) : MergeResult<ImmutableList<T>>.Ok(merged.ToImmutable());
    }

    // Runs of encodings in order: element by element by bytes, then the shorter first.
    private static int CompareRuns(List<byte[]> x, int xStart, int xEnd, List<byte[]> y, int yStart, int yEnd)
    {
        for (int i = xStart, j = yStart; i < xEnd && j < yEnd; i++, j++)
        {
            var c = x[i].AsSpan().SequenceCompareTo(y[j]);
            if (c != 0)
            {
                return c;
            }
        }

        return (xEnd - xStart).CompareTo(yEnd - yStart);
    }

    private static bool SameEncodings(List<byte[]> x, List<byte[]> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (!x[i].AsSpan().SequenceEqual(y[i]))
            {
                return false;
            }
        }

        return true;
    }

    private bool SameList(ImmutableList<T>? x, ImmutableList<T>? y) =>
        x is null || y is null ? x is null && y is null : SameEncodings(x.Select(EncodeElement).ToList(), y.Select(EncodeElement).ToList());

    private byte[] EncodeElement(T item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        element.Encode(item, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
