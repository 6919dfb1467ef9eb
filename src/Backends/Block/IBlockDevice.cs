namespace IrminSharp.Backends.Block;

/// <summary>
/// A block device as a Xen blkfront or virtio disk offers it: fixed-size sectors, whole-sector
/// reads and writes, and a flush of the write cache (feature-flush-cache).
/// </summary>
/// <remarks>
/// <para>
/// Durability: a write is durable only once a later <see cref="Flush"/> has returned. Between
/// flushes, completed writes may be lost, reordered, or torn at sector granularity by a crash
/// (a multi-sector write may land partly; a sector being written may be part old, part new).
/// </para>
/// <para>
/// Transfers are whole sectors: a buffer's length is a positive multiple of
/// <see cref="SectorSize"/> (otherwise <see cref="ArgumentException"/>) and the range lies within
/// the device (otherwise <see cref="ArgumentOutOfRangeException"/>). Writing to a read-only device
/// throws <see cref="IOException"/>. Every I/O failure, injected or from the operating system,
/// surfaces as an <see cref="IOException"/>. Implementations are safe for concurrent use.
/// </para>
/// </remarks>
public interface IBlockDevice : IDisposable
{
    /// <summary>The sector size in bytes (512 or 4096 for real disks).</summary>
    int SectorSize { get; }

    /// <summary>The number of sectors.</summary>
    long SectorCount { get; }

    /// <summary>Whether writes are refused.</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// The path of the lock file that serializes writers of this device across processes; null
    /// for devices only one process can reach (a device in memory).
    /// </summary>
    /// <remarks>
    /// Every path that reaches the same storage names the same lock file: a file through a
    /// symlink or a relative path, a block device through <c>/dev/disk/by-id/…</c> or a second
    /// device node. The device only names the lock; a writer (the pack store) takes it. It is the
    /// same whether the device was opened for reading or for writing.
    /// </remarks>
    string? WriterLockPath => null;

    /// <summary>Reads whole sectors starting at <paramref name="sector"/> into <paramref name="buffer"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is empty or not a multiple of <see cref="SectorSize"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the device.</exception>
    /// <exception cref="IOException">The device failed.</exception>
    void Read(long sector, Span<byte> buffer);

    /// <summary>Writes whole sectors starting at <paramref name="sector"/>; durable only after a later <see cref="Flush"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is empty or not a multiple of <see cref="SectorSize"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the device.</exception>
    /// <exception cref="IOException">The device is read-only or failed.</exception>
    void Write(long sector, ReadOnlySpan<byte> buffer);

    /// <summary>Makes every completed write durable (a cache flush; fsync for files and devices).</summary>
    /// <exception cref="IOException">The device failed.</exception>
    void Flush();
}
