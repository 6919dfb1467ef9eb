using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>Keeps the last progress a transfer reported, synchronously (no synchronization context involved).</summary>
public sealed class ProgressRecorder : IProgress<TransferProgress>
{
    private TransferProgress last;

    /// <summary>The last report: for a receiver, what was checked and stored; for a sender, what was sent.</summary>
    public TransferProgress Last
    {
        get
        {
            lock (this)
            {
                return last;
            }
        }
    }

    public void Report(TransferProgress value)
    {
        lock (this)
        {
            last = value;
        }
    }
}
