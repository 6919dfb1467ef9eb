namespace IrminSharp.Backends.Block;

/// <summary>
/// A block device could not be opened for writing because it is claimed exclusively (EBUSY on an
/// O_EXCL open): another writer has it open, or it is mounted or otherwise in use by the kernel.
/// </summary>
/// <remarks>
/// A writer that holds the device also holds its <see cref="WriterLockPath"/>; whoever catches
/// this can read that lock to name the process (the pack store's StoreLockedException.FromBusyDevice does).
/// </remarks>
public sealed class DeviceBusyException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="devicePath">The path that was opened.</param>
    /// <param name="writerLockPath">The device's writer lock file (<see cref="IBlockDevice.WriterLockPath"/>), when known.</param>
    public DeviceBusyException(string devicePath, string? writerLockPath)
        : base($"{devicePath}: the device is busy (EBUSY): another process has it open for writing, or it is mounted or in use by the kernel")
    {
        DevicePath = devicePath;
        WriterLockPath = writerLockPath;
    }

    /// <summary>The path that was opened.</summary>
    public string DevicePath { get; }

    /// <summary>The device's writer lock file, when its device number could be read.</summary>
    public string? WriterLockPath { get; }
}
