namespace IrminSharp.Backends.Block;

/// <summary>
/// A block device as a Xen blkfront or virtio disk offers it: fixed-size sectors, whole-sector
/// reads and writes, and a flush of the write cache.
/// </summary>
/// <remarks>
/// A write is durable only once a later <see cref="Flush"/> has returned. Between flushes,
/// completed writes may be lost or reordered by a crash, and the sector being written may tear
/// (part old, part new). Implementations are safe for concurrent use. I/O failures surface as
/// <see cref="IOException"/>.
/// </remarks>
public interface IBlockDevice : IDisposable
{
    /// <summary>The sector size in bytes (512 or 4096).</summary>
    int SectorSize { get; }

    /// <summary>The number of sectors.</summary>
    long SectorCount { get; }

    /// <summary>Whether writes are refused.</summary>
    bool IsReadOnly { get; }

    /// <summary>Reads whole sectors starting at <paramref name="sector"/> into <paramref name="buffer"/>.</summary>
    void Read(long sector, Span<byte> buffer);

    /// <summary>Writes whole sectors starting at <paramref name="sector"/>.</summary>
    void Write(long sector, ReadOnlySpan<byte> buffer);

    /// <summary>Makes every completed write durable.</summary>
    void Flush();
}
