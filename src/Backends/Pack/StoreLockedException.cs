using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>Another process holds the store's writer lock.</summary>
public sealed class StoreLockedException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public StoreLockedException(string where, int? pid, Exception? innerException = null)
        : base(pid is { } p ? $"store {where} is locked by pid {p}" : $"store {where} is locked by another process", innerException)
    {
        Pid = pid;
    }

    /// <summary>The holder's process id, when known.</summary>
    public int? Pid { get; }
}
