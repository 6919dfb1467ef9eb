using System.Runtime.InteropServices;

namespace IrminSharp.Backends.Block;

/// <summary>The few libc calls that .NET does not expose, for naming a device's writer lock.</summary>
internal static unsafe partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxBufferBytes = 256;
    private const int StatxModeOffset = 28;
    private const int StatxRdevMajorOffset = 128;
    private const int StatxRdevMinorOffset = 132;
    private const int SIfMt = 0xF000;
    private const int SIfBlk = 0x6000;

    /// <summary>The canonical absolute path (every symlink, <c>.</c> and <c>..</c> resolved), or null when it cannot be resolved.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, null);
        if (resolved == null)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            NativeMemory.Free(resolved);
        }
    }

    /// <summary>The device number (major, minor) of the block device open as <paramref name="fd"/>; null if it is not one.</summary>
    public static (uint Major, uint Minor)? BlockDeviceNumber(int fd) => BlockDeviceNumber(fd, string.Empty, AtEmptyPath);

    /// <summary>The device number (major, minor) of the block device at <paramref name="path"/> (symlinks followed); null if it is not one.</summary>
    public static (uint Major, uint Minor)? BlockDeviceNumber(string path) => BlockDeviceNumber(AtFdCwd, path, 0);

    // statx rather than stat: its layout is the same on every architecture (linux/stat.h).
    private static (uint Major, uint Minor)? BlockDeviceNumber(int directoryFd, string path, int flags)
    {
        var buffer = stackalloc byte[StatxBufferBytes];
        new Span<byte>(buffer, StatxBufferBytes).Clear();
        if (Statx(directoryFd, path, flags, StatxType, buffer) != 0)
        {
            return null;
        }

        var mode = *(ushort*)(buffer + StatxModeOffset);
        if ((mode & SIfMt) != SIfBlk)
        {
            return null;
        }

        return (*(uint*)(buffer + StatxRdevMajorOffset), *(uint*)(buffer + StatxRdevMinorOffset));
    }

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* RealPathNative(string path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
