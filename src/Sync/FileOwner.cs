using System.Runtime.InteropServices;

namespace IrminSharp.Sync;

/// <summary>Who owns a file and who runs this process, by user id: the libc calls .NET does not expose (Linux only).</summary>
internal static partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const int StatxBufferBytes = 256;
    private const int StatxMaskOffset = 0;
    private const int StatxUidOffset = 20;

    /// <summary>The user id owning <paramref name="path"/> (symlinks followed); null when it cannot be learnt.</summary>
    public static uint? OwnerOf(string path)
    {
        // statx rather than stat: its layout is the same on every architecture (linux/stat.h).
        var buffer = new byte[StatxBufferBytes];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxUid, ref buffer[0]) != 0 || (BitConverter.ToUInt32(buffer, StatxMaskOffset) & StatxUid) == 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a libc older than statx (glibc 2.28): the mode is still checked
        }

        return BitConverter.ToUInt32(buffer, StatxUidOffset);
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint CurrentUser() => GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
