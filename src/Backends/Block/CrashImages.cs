namespace IrminSharp.Backends.Block;

/// <summary>
/// Builds the disk images a crash could leave, from the image before a workload and the writes it
/// issued: the first k writes; the same with write k's last sector torn; and the first k writes
/// with some of those issued since the last flush lost.
/// </summary>
public static class CrashImages
{
    /// <summary>The image after exactly the first <paramref name="k"/> writes.</summary>
    public static byte[] Prefix(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(writes);
        var image = (byte[])baseImage.Clone();
        for (var i = 0; i < k; i++)
        {
            Apply(image, writes[i], sectorSize);
        }

        return image;
    }

    /// <summary>
    /// The first <paramref name="k"/> − 1 writes, then write k with its last sector torn: the
    /// first half of that sector new, the second half old.
    /// </summary>
    public static byte[] Torn(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), "A torn write needs k ≥ 1.");
        }

        var image = Prefix(baseImage, writes, sectorSize, k - 1);
        var last = writes[k - 1];
        var data = last.Data.Span;
        var sectors = data.Length / sectorSize;
        var whole = data[..((sectors - 1) * sectorSize)];
        whole.CopyTo(image.AsSpan((int)(last.Sector * sectorSize)));
        var tornAt = (int)((last.Sector + sectors - 1) * sectorSize);
        data.Slice((sectors - 1) * sectorSize, sectorSize / 2).CopyTo(image.AsSpan(tornAt));
        return image;
    }

    /// <summary>
    /// The first <paramref name="k"/> writes, except that each write issued since the last flush
    /// before write k is dropped with probability one half (deterministic in
    /// <paramref name="seed"/>). Everything flushed before is kept.
    /// </summary>
    public static byte[] Reordered(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int sectorSize, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(writes);
        var image = (byte[])baseImage.Clone();
        if (k == 0)
        {
            return image;
        }

        var epoch = writes[k - 1].FlushesBefore;
        var rng = new Random(seed);
        for (var i = 0; i < k; i++)
        {
            if (writes[i].FlushesBefore < epoch || rng.Next(2) == 0)
            {
                Apply(image, writes[i], sectorSize);
            }
        }

        return image;
    }

    private static void Apply(byte[] image, WriteRecord write, int sectorSize) =>
        write.Data.Span.CopyTo(image.AsSpan((int)(write.Sector * sectorSize)));
}
