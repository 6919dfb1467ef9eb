namespace IrminSharp.Backends.Block;

/// <summary>
/// Builds the disk images a power loss could leave, from the image before a workload, the writes
/// it issued (<see cref="MemoryBlockDevice.Writes"/> or <see cref="FaultInjectingBlockDevice.Writes"/>)
/// and a <see cref="CrashPoint"/> (k writes issued, f flushes completed).
/// </summary>
/// <remarks>
/// <para>
/// At a crash point the writes among the first k with an epoch below f are durable and land in
/// order. The others among the first k (epoch f, the <see cref="Unflushed"/> writes) may land in any
/// subset, in any order, and any of them torn: <see cref="Image"/> builds one such outcome,
/// <see cref="AllLandings"/> lists every distinct one for a small set and
/// <see cref="SeededLanding"/> picks one pseudo-randomly for a large set.
/// </para>
/// <para>
/// What must survive is decided by acknowledgement, not by epochs: an operation that returned at
/// <see cref="DeviceMark"/> m must be in every image whose crash point
/// <see cref="CrashPoint.Covers">covers</see> m.
/// </para>
/// </remarks>
public static class CrashImages
{
    /// <summary>The most unflushed writes <see cref="AllLandings"/> accepts (about 10⁴ landings at 8 writes that all overlap).</summary>
    public const int MaxExhaustiveWrites = 8;

    /// <summary>The image with exactly the first <paramref name="k"/> writes applied, in order.</summary>
    /// <exception cref="ArgumentException">The image or a write does not fit the sector size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in 0..writes.Count.</exception>
    public static byte[] Prefix(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        Validate(baseImage, writes, sectorSize, k);
        var image = (byte[])baseImage.Clone();
        for (var i = 0; i < k; i++)
        {
            Apply(image, writes[i], sectorSize);
        }

        return image;
    }

    /// <summary>
    /// The crash point of a <see cref="Prefix"/> image: right before write k is issued, after every
    /// flush issued before it completed (f is write k's epoch, or <paramref name="totalFlushes"/>
    /// when k is the whole stream).
    /// </summary>
    public static CrashPoint PrefixPoint(IReadOnlyList<WriteRecord> writes, int k, int totalFlushes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, writes.Count);
        return new CrashPoint(k, k < writes.Count ? writes[k].FlushesBefore : totalFlushes);
    }

    /// <summary>
    /// The crash point right after write k (1-based) was issued, before any later flush completed:
    /// f is write k's epoch, so write k and the writes of its epoch before it are unflushed.
    /// </summary>
    public static CrashPoint LastWritePoint(IReadOnlyList<WriteRecord> writes, int k)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, writes.Count);
        return new CrashPoint(k, writes[k - 1].FlushesBefore);
    }

    /// <summary>The 0-based indexes, ascending, of the writes unflushed at <paramref name="point"/>: among the first k, those of epoch f.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The point does not fit the stream (see <see cref="Image"/>).</exception>
    public static IReadOnlyList<int> Unflushed(IReadOnlyList<WriteRecord> writes, CrashPoint point)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ValidatePoint(writes, point);
        var unflushed = new List<int>();
        for (var i = 0; i < point.Writes; i++)
        {
            if (writes[i].FlushesBefore == point.Flushes)
            {
                unflushed.Add(i);
            }
        }

        return unflushed;
    }

    /// <summary>
    /// One image a crash at <paramref name="point"/> could leave: the durable writes in order, then
    /// the unflushed writes of <paramref name="landed"/> in that order (the others are lost), the
    /// one <paramref name="tear"/> names applied in part.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The point does not fit the stream: k outside 0..writes.Count, f below write k's epoch, or f
    /// above the epoch of the write after the first k (that write was issued after the crash).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A write does not fit the image, a landed write is not unflushed at the point or is named
    /// twice, or the tear names a write not landed or a sector or split outside it.
    /// </exception>
    public static byte[] Image(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, CrashPoint point, IReadOnlyList<int> landed, Tear? tear = null)
    {
        ArgumentNullException.ThrowIfNull(landed);
        Validate(baseImage, writes, sectorSize, point.Writes);
        ValidatePoint(writes, point);
        var seen = new HashSet<int>();
        foreach (var i in landed)
        {
            if (i < 0 || i >= point.Writes || writes[i].FlushesBefore != point.Flushes || !seen.Add(i))
            {
                throw new ArgumentException($"Write {i} is not an unflushed write at {point}, or is named twice.", nameof(landed));
            }
        }

        if (tear is not null && !seen.Contains(tear.Write))
        {
            throw new ArgumentException($"The torn write {tear.Write} is not among those landed.", nameof(tear));
        }

        var image = (byte[])baseImage.Clone();
        for (var i = 0; i < point.Writes; i++)
        {
            if (writes[i].FlushesBefore < point.Flushes)
            {
                Apply(image, writes[i], sectorSize);
            }
        }

        foreach (var i in landed)
        {
            if (tear is not null && tear.Write == i)
            {
                tear.Apply(image, writes[i], sectorSize);
            }
            else
            {
                Apply(image, writes[i], sectorSize);
            }
        }

        return image;
    }

    /// <summary>
    /// Every distinct landing of the writes unflushed at <paramref name="point"/>: every subset, and
    /// within it every order of the writes that overlap (orders of disjoint writes give the same
    /// image, so only one of them is listed). The empty landing comes first, and each landing is
    /// listed in its first order in lexicographic order of permutations.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxExhaustiveWrites"/> writes are unflushed.</exception>
    public static IEnumerable<IReadOnlyList<int>> AllLandings(IReadOnlyList<WriteRecord> writes, CrashPoint point, int sectorSize)
    {
        var unflushed = Unflushed(writes, point);
        if (unflushed.Count > MaxExhaustiveWrites)
        {
            throw new ArgumentException($"{unflushed.Count} writes are unflushed at {point}; at most {MaxExhaustiveWrites} can be searched exhaustively.", nameof(point));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sectorSize, 1);
        return Enumerate(writes, unflushed, sectorSize);
    }

    /// <summary>
    /// One landing of the writes unflushed at <paramref name="point"/> chosen by
    /// <paramref name="seed"/>: each write kept with probability ½, the kept ones shuffled. Stable
    /// across runs and runtimes (SplitMix64 of the seed and the point).
    /// </summary>
    public static IReadOnlyList<int> SeededLanding(IReadOnlyList<WriteRecord> writes, CrashPoint point, int seed)
    {
        var unflushed = Unflushed(writes, point);
        var state = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)point.Writes << 8) ^ (uint)point.Flushes;
        var kept = unflushed.Where(_ => (Next(ref state) & 1) == 1).ToList();
        for (var i = kept.Count - 1; i > 0; i--)
        {
            var j = (int)(Next(ref state) % (ulong)(i + 1));
            (kept[i], kept[j]) = (kept[j], kept[i]);
        }

        return kept;
    }

    private static IEnumerable<IReadOnlyList<int>> Enumerate(IReadOnlyList<WriteRecord> writes, IReadOnlyList<int> unflushed, int sectorSize)
    {
        for (var subset = 0; subset < 1 << unflushed.Count; subset++)
        {
            var members = unflushed.Where((_, bit) => (subset >> bit & 1) == 1).ToArray();
            var signatures = new HashSet<string>();
            foreach (var order in Permutations(members))
            {
                if (signatures.Add(Signature(writes, order, sectorSize)))
                {
                    yield return order;
                }
            }
        }
    }

    /// <summary>Which of each overlapping pair lands last: two orders with the same signature give the same image.</summary>
    private static string Signature(IReadOnlyList<WriteRecord> writes, int[] order, int sectorSize)
    {
        var pairs = new List<string>();
        for (var a = 0; a < order.Length; a++)
        {
            for (var b = a + 1; b < order.Length; b++)
            {
                if (Overlap(writes[order[a]], writes[order[b]], sectorSize))
                {
                    pairs.Add(order[a] < order[b] ? $"{order[a]}<{order[b]}" : $"{order[b]}>{order[a]}");
                }
            }
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(",", pairs);
    }

    private static bool Overlap(WriteRecord x, WriteRecord y, int sectorSize) =>
        x.Sector < y.Sector + (y.Data.Length / sectorSize) && y.Sector < x.Sector + (x.Data.Length / sectorSize);

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }

    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void ValidatePoint(IReadOnlyList<WriteRecord> writes, CrashPoint point)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(point.Writes, nameof(point));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(point.Writes, writes.Count, nameof(point));
        if ((point.Writes > 0 && point.Flushes < writes[point.Writes - 1].FlushesBefore)
            || (point.Writes < writes.Count && point.Flushes > writes[point.Writes].FlushesBefore)
            || point.Flushes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, "The flushes completed do not fit the writes issued.");
        }
    }

    private static void Validate(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(writes);
        if (sectorSize < 2 || baseImage.Length % sectorSize != 0)
        {
            throw new ArgumentException($"The image ({baseImage.Length} bytes) is not a whole number of {sectorSize}-byte sectors.", nameof(sectorSize));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, writes.Count);
        for (var i = 0; i < k; i++)
        {
            var w = writes[i];
            if (w.Data.Length == 0 || w.Data.Length % sectorSize != 0 || w.Sector < 0 || (w.Sector * sectorSize) + w.Data.Length > baseImage.Length)
            {
                throw new ArgumentException($"Write {i} (sector {w.Sector}, {w.Data.Length} bytes) does not fit the {baseImage.Length}-byte image.", nameof(writes));
            }
        }
    }

    private static void Apply(byte[] image, WriteRecord write, int sectorSize) =>
        write.Data.Span.CopyTo(image.AsSpan(checked((int)(write.Sector * sectorSize))));
}
