namespace IrminSharp.Backends.Block;

/// <summary>
/// Builds the disk images a power loss could leave, from the image before a workload, the writes
/// it issued (<see cref="MemoryBlockDevice.Writes"/> or <see cref="FaultInjectingBlockDevice.Writes"/>)
/// and a crash point k, the number of writes that reached the device. A crash sweep replays all
/// three variants for every k: <see cref="Prefix"/>, <see cref="Torn"/> and <see cref="Reordered"/>.
/// </summary>
public static class CrashImages
{
    /// <summary>The image with exactly the first <paramref name="k"/> writes applied, in order.</summary>
    /// <exception cref="ArgumentException">The image or a write does not fit the sector size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in 0..writes.Count.</exception>
    public static byte[] Prefix(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        Validate(baseImage, writes, sectorSize, k, minimumK: 0);
        var image = (byte[])baseImage.Clone();
        for (var i = 0; i < k; i++)
        {
            Apply(image, writes[i], sectorSize);
        }

        return image;
    }

    /// <summary>
    /// The first <paramref name="k"/> − 1 writes, then write k (1-based) torn in its last sector:
    /// its earlier sectors land whole, and the last sector holds the first half of the new bytes
    /// followed by the second half of the old bytes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in 1..writes.Count.</exception>
    public static byte[] Torn(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        Validate(baseImage, writes, sectorSize, k, minimumK: 1);
        var image = Prefix(baseImage, writes, sectorSize, k - 1);
        var last = writes[k - 1];
        var data = last.Data.Span;
        var wholeBytes = data.Length - sectorSize;
        var start = checked((int)(last.Sector * sectorSize));
        data[..wholeBytes].CopyTo(image.AsSpan(start));
        data.Slice(wholeBytes, sectorSize / 2).CopyTo(image.AsSpan(start + wholeBytes));
        return image;
    }

    /// <summary>
    /// The first <paramref name="k"/> writes, except that the writes issued since the last flush
    /// before the crash (those with write k's flush epoch) are each dropped or kept by a
    /// deterministic pseudo-random choice from <paramref name="seed"/>: see
    /// <see cref="ReorderedDrops"/>. Writes of earlier epochs, which a completed flush made
    /// durable, are always kept. Kept writes are applied in their original order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not in 0..writes.Count.</exception>
    public static byte[] Reordered(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k, int seed)
    {
        Validate(baseImage, writes, sectorSize, k, minimumK: 0);
        var drops = ReorderedDrops(writes, k, seed);
        var image = (byte[])baseImage.Clone();
        for (var i = 0; i < k; i++)
        {
            if (!drops.Contains(i))
            {
                Apply(image, writes[i], sectorSize);
            }
        }

        return image;
    }

    /// <summary>
    /// The 0-based indexes of the writes <see cref="Reordered"/> drops for crash point
    /// <paramref name="k"/> and <paramref name="seed"/>: a subset of the unflushed writes (the
    /// same flush epoch as write k), each dropped when the low bit of SplitMix64(seed, index) is 1.
    /// Stable across runs and runtimes.
    /// </summary>
    public static IReadOnlySet<int> ReorderedDrops(IReadOnlyList<WriteRecord> writes, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, writes.Count);
        var drops = new HashSet<int>();
        if (k == 0)
        {
            return drops;
        }

        var epoch = writes[k - 1].FlushesBefore;
        for (var i = 0; i < k; i++)
        {
            if (writes[i].FlushesBefore == epoch && (Mix(seed, i) & 1) == 1)
            {
                drops.Add(i);
            }
        }

        return drops;
    }

    /// <summary>
    /// How many of the first writes a <see cref="Reordered"/> image at crash point
    /// <paramref name="k"/> always holds: those before write k's flush epoch, which a completed
    /// flush made durable.
    /// </summary>
    public static int DurablePrefix(IReadOnlyList<WriteRecord> writes, int k)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, writes.Count);
        var epoch = writes[k - 1].FlushesBefore;
        var n = 0;
        while (n < k && writes[n].FlushesBefore < epoch)
        {
            n++;
        }

        return n;
    }

    private static ulong Mix(int seed, int index)
    {
        var z = (((ulong)(uint)seed) << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static void Validate(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k, int minimumK)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(writes);
        if (sectorSize < 2 || baseImage.Length % sectorSize != 0)
        {
            throw new ArgumentException($"The image ({baseImage.Length} bytes) is not a whole number of {sectorSize}-byte sectors.", nameof(sectorSize));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, minimumK);
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
