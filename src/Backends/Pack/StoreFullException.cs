using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>The device has no room for a write; nothing already stored is affected.</summary>
public sealed class StoreFullException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public StoreFullException(string where, long needed, long free)
        : base($"no space left in {where}: {needed} bytes needed, {free} free (run gc, or use a larger device)")
    {
        Needed = needed;
        Free = free;
    }

    /// <summary>Bytes the write needed.</summary>
    public long Needed { get; }

    /// <summary>Bytes free in the log.</summary>
    public long Free { get; }
}
