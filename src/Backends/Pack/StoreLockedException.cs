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

    /// <summary>The holder's process id, when known.</summary>
    public int? Pid { get; }

    /// <summary>The holder's command line, shortened (<c>irmin serve</c>), when known.</summary>
    public string? ProcessName { get; }

    private static string Describe(string where, int? pid, string? processName) => (pid, processName) switch
    {
        ({ } p, { Length: > 0 } name) => $"store {where} is locked by pid {p} ({name})",
        ({ } p, _) => $"store {where} is locked by pid {p}",
        _ => $"store {where} is locked by another process",
    };
}
