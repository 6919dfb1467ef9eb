using Microsoft.Win32.SafeHandles;

namespace IrminSharp.Backends.Block;

/// <summary>
/// A regular file used as a block device. Reads and writes go through
/// <see cref="RandomAccess"/> (the page cache); <see cref="Flush"/> is fsync.
/// </summary>
public sealed class FileBlockDevice : IBlockDevice
{
    private readonly SafeFileHandle handle;

    private FileBlockDevice(SafeFileHandle handle, int sectorSize, long sectors, bool readOnly, string path)
    {
        this.handle = handle;
        SectorSize = sectorSize;
        SectorCount = sectors;
        IsReadOnly = readOnly;
        Path = path;
        WriterLockPath = CanonicalPath(path) + ".lock";
    }

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public long SectorCount { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>
    /// The file's canonical path (absolute, with every symlink resolved) plus <c>.lock</c>, so
    /// that every path to the file names the same lock.
    /// </summary>
    public string WriterLockPath { get; }

    /// <summary>
    /// Opens a file as a device. When <see cref="FileBlockDeviceOptions.CreateSectors"/> is positive
    /// and the file does not exist, it is created (sparse) with that many sectors; otherwise the
    /// file must exist and be a whole number (at least one) of sectors long.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist and is not to be created.</exception>
    /// <exception cref="IOException">The file is shorter than one sector or not a whole number of sectors.</exception>
    /// <exception cref="ArgumentException">Creation was asked together with <see cref="FileBlockDeviceOptions.ReadOnly"/>.</exception>
    public static FileBlockDevice Open(string path, FileBlockDeviceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new FileBlockDeviceOptions();
        var create = options.CreateSectors > 0 && !File.Exists(path);
        if (create && options.ReadOnly)
        {
            throw new ArgumentException("Cannot create a read-only device.", nameof(options));
        }

        var handle = File.OpenHandle(
            path,
            create ? FileMode.CreateNew : FileMode.Open,
            options.ReadOnly ? FileAccess.Read : FileAccess.ReadWrite,
            FileShare.ReadWrite,
            FileOptions.RandomAccess);
        try
        {
            if (create)
            {
                RandomAccess.SetLength(handle, checked(options.CreateSectors * options.SectorSize));
            }

            var length = RandomAccess.GetLength(handle);
            if (length < options.SectorSize)
            {
                throw new IOException($"{path} is {length} bytes, shorter than one {options.SectorSize}-byte sector: not a whole number (at least one) of sectors.");
            }

            if (length % options.SectorSize != 0)
            {
                throw new IOException($"{path} is {length} bytes, not a whole number of {options.SectorSize}-byte sectors.");
            }

            return new FileBlockDevice(handle, options.SectorSize, length / options.SectorSize, options.ReadOnly, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Read(long sector, Span<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: false);
        var offset = sector * SectorSize;
        while (!buffer.IsEmpty)
        {
            var n = RandomAccess.Read(handle, buffer, offset);
            if (n == 0)
            {
                throw new IOException($"{Path}: unexpected end of file at byte {offset}.");
            }

            buffer = buffer[n..];
            offset += n;
        }
    }

    /// <inheritdoc/>
    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: true);
        RandomAccess.Write(handle, buffer, sector * SectorSize);
    }

    /// <inheritdoc/>
    public void Flush()
    {
        if (!IsReadOnly)
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => handle.Dispose();

    // realpath(3) on Linux; elsewhere the full path with a symlinked final component resolved.
    private static string CanonicalPath(string path)
    {
        if (OperatingSystem.IsLinux() && Posix.RealPath(path) is { } real)
        {
            return real;
        }

        var full = System.IO.Path.GetFullPath(path);
        return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }
}
