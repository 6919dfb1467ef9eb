namespace IrminSharp.Backends.Block;

/// <summary>Opens the right kind of device for a path.</summary>
public static class BlockDevices
{
    /// <summary>
    /// Opens <paramref name="path"/> as a <see cref="LinuxBlockDevice"/> (O_DIRECT) when the kernel
    /// says it is a block device (<see cref="LinuxBlockDevice.IsBlockDevice"/>: the BLKGETSIZE64
    /// ioctl succeeds), and otherwise as an existing <see cref="FileBlockDevice"/> with 4 KiB
    /// sectors. Deciding by asking the kernel, rather than by the <c>/dev/</c> prefix, handles
    /// symlinks such as <c>/dev/disk/by-id/…</c> and regular files that happen to live under
    /// <c>/dev/shm</c>.
    /// </summary>
    /// <exception cref="IOException">The path cannot be opened (missing, or not a whole number of sectors).</exception>
    public static IBlockDevice Open(string path, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return LinuxBlockDevice.IsBlockDevice(path)
            ? LinuxBlockDevice.Open(path, readOnly)
            : FileBlockDevice.Open(path, new FileBlockDeviceOptions { ReadOnly = readOnly });
    }
}
