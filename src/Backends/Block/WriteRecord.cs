namespace IrminSharp.Backends.Block;

/// <summary>One write as a device received it.</summary>
public sealed class WriteRecord
{
    /// <summary>Creates the record (the data is not copied).</summary>
    public WriteRecord(long sector, byte[] data, int flushesBefore)
    {
        ArgumentNullException.ThrowIfNull(data);
        Sector = sector;
        Data = data;
        FlushesBefore = flushesBefore;
    }

    /// <summary>The first sector written.</summary>
    public long Sector { get; }

    /// <summary>The bytes written (whole sectors).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The write's flush epoch: how many flushes had completed before it was issued.</summary>
    public int FlushesBefore { get; }
}
