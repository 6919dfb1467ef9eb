using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace IrminSharp.Backends.Block;

/// <summary>
/// A raw Linux block device (a loop device, <c>/dev/xvdb</c> under Xen, <c>/dev/vdb</c> under KVM)
/// opened with O_DIRECT, so that reads and writes bypass the page cache and flush is the disk's
/// own cache flush. Transfers go through one aligned bounce buffer.
/// </summary>
public sealed unsafe partial class LinuxBlockDevice : IBlockDevice
{
    private const int ORdOnly = 0x0;
    private const int ORdWr = 0x2;
    private const int ODirect = 0x4000;
    private const int OCloExec = 0x80000;
    private const ulong BlkGetSize64 = 0x80081272;
    private const ulong BlkSszGet = 0x1268;
    private const int Alignment = 4096;
    private const int BounceBytes = 1 << 20;

    private readonly SafeFileHandle handle;
    private readonly Lock gate = new();
    private byte* bounce;

    private LinuxBlockDevice(SafeFileHandle handle, string path, int sectorSize, long sectors, bool readOnly)
    {
        this.handle = handle;
        Path = path;
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

    /// <summary>Opens a block device with O_DIRECT; its size and logical sector size come from the kernel.</summary>
    /// <exception cref="IOException">The device cannot be opened or queried (the message carries the OS error).</exception>
    public static LinuxBlockDevice Open(string path, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Raw block devices are supported on Linux only.");
        }

        var fd = OpenNative(path, (readOnly ? ORdOnly : ORdWr) | ODirect | OCloExec);
        if (fd < 0)
        {
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

            int logical = 0;
            if (Ioctl(fd, BlkSszGet, &logical) != 0 || logical <= 0)
            {
                logical = 512;
            }

            var sectorSize = Math.Max(logical, 512);
            return new LinuxBlockDevice(handle, path, sectorSize, (long)(bytes / (ulong)sectorSize), readOnly);
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
                    var n = RandomAccess.Read(handle, span[done..], offset + done);
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
                var span = new Span<byte>(bounce, chunk);
                buffer[..chunk].CopyTo(span);
                RandomAccess.Write(handle, span, offset);
                buffer = buffer[chunk..];
                offset += chunk;
            }
        }
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, void* argument);
}
