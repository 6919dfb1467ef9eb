using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace IrminSharp.Backends.Block;

/// <summary>
/// A raw Linux block device (a loop device, <c>/dev/xvdb</c> under Xen, <c>/dev/vdb</c> under KVM)
/// opened with O_DIRECT, so that reads and writes bypass the page cache and <see cref="Flush"/>
/// (fsync) is the disk's own cache flush. Its size comes from the BLKGETSIZE64 ioctl and its
/// sector size from BLKSSZGET (the logical block size).
/// </summary>
/// <remarks>
/// <para>
/// Callers pass ordinary spans: every transfer goes through one 4096-aligned bounce buffer of
/// 1 MiB (larger transfers are chunked), so access is serialized by a lock. Operating-system
/// errors surface as <see cref="IOException"/> whose message carries the path and the errno text.
/// </para>
/// <para>
/// A writable open is exclusive (O_EXCL): while it lasts, every other writable open of the device,
/// through any path, and any mount fail with EBUSY (<see cref="DeviceBusyException"/>); read-only
/// opens are never exclusive and coexist with the writer.
/// </para>
/// </remarks>
public sealed unsafe partial class LinuxBlockDevice : IBlockDevice
{
    private const int ORdOnly = 0x0;
    private const int ORdWr = 0x2;
    private const int OExcl = 0x80;
    private const int ONonBlock = 0x800;
    private const int ODirect = 0x4000;
    private const int OCloExec = 0x80000;
    private const ulong BlkGetSize64 = 0x80081272;
    private const ulong BlkSszGet = 0x1268;
    private const int Alignment = 4096;
    private const int BounceBytes = 1 << 20;
    private const int EBusy = 16;

    private readonly SafeFileHandle handle;
    private readonly Lock gate = new();
    private byte* bounce;

    private LinuxBlockDevice(SafeFileHandle handle, string path, string writerLockPath, int sectorSize, long sectors, bool readOnly)
    {
        this.handle = handle;
        Path = path;
        WriterLockPath = writerLockPath;
        SectorSize = sectorSize;
        SectorCount = sectors;
        IsReadOnly = readOnly;
        bounce = (byte*)NativeMemory.AlignedAlloc(BounceBytes, Alignment);
    }

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public long SectorCount { get; }

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>The device path.</summary>
    public string Path { get; }

    /// <summary>The directory of the device writer locks (<c>/run/lock</c>, a tmpfs emptied at boot).</summary>
    public static string LockDirectory => "/run/lock";

    /// <summary>
    /// <c>/run/lock/irmin-dev-MAJOR-MINOR.lock</c>, keyed by the device number (st_rdev), so that
    /// every path to the device (<c>/dev/vdb</c>, a <c>/dev/disk/by-id/…</c> symlink, a second
    /// device node) names the same lock.
    /// </summary>
    public string WriterLockPath { get; }

    /// <summary>
    /// Opens a block device with O_RDWR|O_EXCL|O_DIRECT|O_CLOEXEC (O_RDONLY|O_DIRECT|O_CLOEXEC when
    /// <paramref name="readOnly"/>); its size and logical sector size come from the kernel.
    /// </summary>
    /// <exception cref="DeviceBusyException">Opening for writing, and the device is claimed exclusively: another writer, or a mount.</exception>
    /// <exception cref="IOException">The device cannot be opened, or is not a block device (the message carries the path and OS error).</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static LinuxBlockDevice Open(string path, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Raw block devices are supported on Linux only.");
        }

        var fd = OpenNative(path, (readOnly ? ORdOnly : ORdWr | OExcl) | ODirect | OCloExec);
        if (fd < 0)
        {
            if (Marshal.GetLastPInvokeError() == EBusy && !readOnly)
            {
                throw new DeviceBusyException(path, Posix.BlockDeviceNumber(path) is { } busy ? LockPathFor(busy) : null);
            }

            throw new IOException($"{path}: cannot open with O_DIRECT: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            ulong bytes = 0;
            if (Ioctl(fd, BlkGetSize64, &bytes) != 0)
            {
                throw new IOException($"{path}: not a block device (BLKGETSIZE64 failed: {Marshal.GetLastPInvokeErrorMessage()})");
            }

            var logical = 0;
            if (Ioctl(fd, BlkSszGet, &logical) != 0)
            {
                throw new IOException($"{path}: BLKSSZGET failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }

            if (logical < 512 || logical > Alignment || (logical & (logical - 1)) != 0)
            {
                throw new IOException($"{path}: unsupported logical sector size {logical}");
            }

            if (bytes < (ulong)logical)
            {
                throw new IOException($"{path}: the device is {bytes} bytes, smaller than one {logical}-byte sector");
            }

            var number = Posix.BlockDeviceNumber(fd) ?? throw new IOException($"{path}: statx does not report a block device");
            return new LinuxBlockDevice(handle, path, LockPathFor(number), logical, (long)(bytes / (ulong)logical), readOnly);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a block device, asked of the kernel: it opens the path
    /// (O_RDONLY|O_NONBLOCK, without O_DIRECT) and tries BLKGETSIZE64, which only block devices
    /// answer. False for regular files, other device kinds, missing paths, and off Linux.
    /// </summary>
    public static bool IsBlockDevice(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var fd = OpenNative(path, ORdOnly | ONonBlock | OCloExec);
        if (fd < 0)
        {
            return false;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        ulong bytes = 0;
        return Ioctl(fd, BlkGetSize64, &bytes) == 0;
    }

    /// <inheritdoc/>
    public void Read(long sector, Span<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: false);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(bounce == null, this);
            var offset = sector * SectorSize;
            while (!buffer.IsEmpty)
            {
                var chunk = Math.Min(buffer.Length, BounceBytes);
                var span = new Span<byte>(bounce, chunk);
                var done = 0;
                while (done < chunk)
                {
                    int n;
                    try
                    {
                        n = RandomAccess.Read(handle, span[done..], offset + done);
                    }
                    catch (IOException e)
                    {
                        throw new IOException($"{Path}: read of {chunk - done} bytes at byte {offset + done} failed: {e.Message}", e);
                    }

                    if (n <= 0)
                    {
                        throw new IOException($"{Path}: short read at byte {offset + done}");
                    }

                    done += n;
                }

                span.CopyTo(buffer);
                buffer = buffer[chunk..];
                offset += chunk;
            }
        }
    }

    /// <inheritdoc/>
    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        BlockRange.Check(this, sector, buffer.Length, write: true);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(bounce == null, this);
            var offset = sector * SectorSize;
            while (!buffer.IsEmpty)
            {
                var chunk = Math.Min(buffer.Length, BounceBytes);
                var span = new ReadOnlySpan<byte>(bounce, chunk);
                buffer[..chunk].CopyTo(new Span<byte>(bounce, chunk));
                try
                {
                    RandomAccess.Write(handle, span, offset);
                }
                catch (IOException e)
                {
                    throw new IOException($"{Path}: write of {chunk} bytes at byte {offset} failed: {e.Message}", e);
                }

                buffer = buffer[chunk..];
                offset += chunk;
            }
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        if (IsReadOnly)
        {
            return;
        }

        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException e)
        {
            throw new IOException($"{Path}: fsync failed: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            if (bounce != null)
            {
                NativeMemory.AlignedFree(bounce);
                bounce = null;
            }
        }

        handle.Dispose();
    }

    private static string LockPathFor((uint Major, uint Minor) number) =>
        System.IO.Path.Combine(LockDirectory, FormattableString.Invariant($"irmin-dev-{number.Major}-{number.Minor}.lock"));

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, void* argument);
}
