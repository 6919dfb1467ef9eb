using IrminSharp.Backends.Block;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// An exclusive lock held through a lock file (flock on Linux) that records the holder's pid.
/// The kernel drops it when the process dies, so a killed writer never leaves a stale lock.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    private const int ORdOnly = 0x0;
    private const int OCloExec = 0x80000;
    private const int MaxNameLength = 80;

    private readonly FileStream stream;

    private WriterLock(FileStream stream) => this.stream = stream;

    /// <summary>
    /// Takes the writer lock for <paramref name="device"/>: <paramref name="lockPath"/> when given,
    /// else the device's own, so that every path to one device meets the same lock. Null when
    /// there is none (a memory device).
    /// </summary>
    public static WriterLock? AcquireFor(IBlockDevice device, string? lockPath, string where)
    {
        if ((lockPath ?? device.WriterLockPath) is not { } path)
        {
            return null;
        }

        try
        {
            return Acquire(path, where);
        }
        catch (StoreLockedException e) when (e.Pid is null)
        {
            // The lock file could not be read: the writer also records its pid in the superblock.
            int pid;
            try
            {
                pid = SuperblockPair.ReadValid(device).Select(s => s.WriterPid).FirstOrDefault();
            }
            catch (IOException)
            {
                pid = 0;
            }

            throw new StoreLockedException(where, pid > 0 ? pid : null, pid > 0 ? DescribeProcess(pid) : null, e);
        }
    }

    public static WriterLock Acquire(string path, string where)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            var pid = ReadPid(path);
            throw new StoreLockedException(where, pid, pid is { } p ? DescribeProcess(p) : null, e);
        }

        stream.SetLength(0);
        var pidText = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        stream.Write(Encoding.ASCII.GetBytes(pidText + "\n"));
        stream.Flush();
        return new WriterLock(stream);
    }

    /// <summary>
    /// Whether a process holds the lock at <paramref name="path"/>, tried without waiting and
    /// without changing the file; a missing file is not held.
    /// </summary>
    public static bool IsHeld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>
    /// The pid recorded in the lock file, or null when it cannot be read or holds no pid. On
    /// Linux the file is read through open(2) directly: .NET's own open takes a shared flock,
    /// which the holder's exclusive one refuses, so it could never read a held lock.
    /// </summary>
    public static int? ReadPid(string path)
    {
        var buffer = new byte[32];
        int n;
        try
        {
            n = OperatingSystem.IsLinux() ? ReadWithoutLocking(path, buffer) : ReadWithFileStream(path, buffer);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(buffer, 0, n).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    /// <summary>
    /// A short name for process <paramref name="pid"/>, from its command line (<c>irmin serve</c>),
    /// else its <c>comm</c>; null when /proc does not say (another pid namespace, an exited
    /// process, not Linux).
    /// </summary>
    public static string? DescribeProcess(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            var arguments = File.ReadAllText(proc + "/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var name = arguments.Length > 0 ? string.Join(' ', ShortCommand(arguments)) : File.ReadAllText(proc + "/comm").Trim();
            if (name.Length == 0)
            {
                return null;
            }

            return name.Length <= MaxNameLength ? name : name[..(MaxNameLength - 3)] + "...";
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => stream.Dispose();

    // argv[0] by its file name; an app run by the host ("dotnet [exec --options] app.dll ...") by the app's name.
    private static IEnumerable<string> ShortCommand(string[] arguments)
    {
        var first = Path.GetFileName(arguments[0]);
        if (first == "dotnet" && Array.FindIndex(arguments, a => a.EndsWith(".dll", StringComparison.Ordinal)) is var app and > 0)
        {
            return [Path.GetFileNameWithoutExtension(arguments[app]), .. arguments[(app + 1)..]];
        }

        return [first, .. arguments[1..]];
    }

    private static int ReadWithoutLocking(string path, byte[] buffer)
    {
        var fd = OpenNative(Encoding.UTF8.GetBytes(path + "\0"), ORdOnly | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"{path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return RandomAccess.Read(handle, buffer, 0);
    }

    private static int ReadWithFileStream(string path, byte[] buffer)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return reader.Read(buffer);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative(byte[] path, int flags);
}
