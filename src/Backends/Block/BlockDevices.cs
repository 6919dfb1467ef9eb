namespace IrminSharp.Backends.Block;

/// <summary>Opens the right kind of device for a path.</summary>
public static class BlockDevices
{
    /// <summary>
    /// A block device under <c>/dev/</c> opens as a <see cref="LinuxBlockDevice"/> (O_DIRECT);
    /// anything else as a <see cref="FileBlockDevice"/> with 4 KiB sectors.
    /// </summary>
    public static IBlockDevice Open(string path, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsDevicePath(path)
            ? LinuxBlockDevice.Open(path, readOnly)
            : FileBlockDevice.Open(path, new FileBlockDeviceOptions { ReadOnly = readOnly });
    }

    /// <summary>
    /// Whether <paramref name="path"/> names a device node: anything under <c>/dev/</c>. Opening it
    /// then checks with the kernel (BLKGETSIZE64) that it really is a block device.
    /// </summary>
    public static bool IsDevicePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetFullPath(path).StartsWith("/dev/", StringComparison.Ordinal);
    }
}
