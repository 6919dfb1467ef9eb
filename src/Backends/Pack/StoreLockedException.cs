using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>Another process holds the store's writer lock.</summary>
public sealed class StoreLockedException : IrminException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="where">The store, as messages name it.</param>
    /// <param name="pid">The holder's process id, when known.</param>
    /// <param name="innerException">The failure that revealed the lock.</param>
    public StoreLockedException(string where, int? pid, Exception? innerException = null)
        : this(where, pid, processName: null, innerException)
    {
    }

    /// <summary>Creates the exception, naming the holder's process.</summary>
    /// <param name="where">The store, as messages name it.</param>
    /// <param name="pid">The holder's process id, when known.</param>
    /// <param name="processName">The holder's command (<c>irmin serve</c>), when known.</param>
    /// <param name="innerException">The failure that revealed the lock.</param>
    public StoreLockedException(string where, int? pid, string? processName, Exception? innerException = null)
        : base(Describe(where, pid, processName), innerException)
    {
        Pid = pid;
        ProcessName = pid is null ? null : processName;
    }

    private StoreLockedException(DeviceBusyException busy, string where)
        : base($"store {where} is in use: {busy.Message}", busy)
    {
    }

    /// <summary>The holder's process id, when known.</summary>
    public int? Pid { get; }

    /// <summary>The holder's command line, shortened (<c>irmin serve</c>), when known.</summary>
    public string? ProcessName { get; }

    /// <summary>
    /// Turns a refused writable open of a block device (<see cref="DeviceBusyException"/>, from
    /// O_EXCL) into the store's error. When the device's writer lock is held, the holder is a
    /// writer and the exception names its pid and command; otherwise something that takes no
    /// writer lock has the device (a mount, another program) and the message says so, with no pid.
    /// </summary>
    /// <param name="where">The store, as messages name it.</param>
    /// <param name="busy">The refused open; it becomes the inner exception.</param>
    /// <remarks>Telling whether the lock is held tries it for an instant, so a writer starting at that very instant may be refused once.</remarks>
    public static StoreLockedException FromBusyDevice(string where, DeviceBusyException busy)
    {
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(busy);
        if (busy.WriterLockPath is { } lockPath && WriterLock.IsHeld(lockPath))
        {
            var pid = WriterLock.ReadPid(lockPath);
            return new StoreLockedException(where, pid, pid is { } p ? WriterLock.DescribeProcess(p) : null, busy);
        }

        return new StoreLockedException(busy, where);
    }

    private static string Describe(string where, int? pid, string? processName) => (pid, processName) switch
    {
        ({ } p, { Length: > 0 } name) => $"store {where} is locked by pid {p} ({name})",
        ({ } p, _) => $"store {where} is locked by pid {p}",
        _ => $"store {where} is locked by another process",
    };
}
