namespace IrminSharp.Backends.Pack;

/// <summary>One thing fsck found wrong.</summary>
/// <param name="Offset">The log position of the damaged record, or -1 when it is not about one record.</param>
/// <param name="Subject">What is damaged: an object hash, a ref name, "superblock", "index".</param>
/// <param name="Description">What is wrong.</param>
public sealed record FsckProblem(long Offset, string Subject, string Description)
{
    /// <inheritdoc/>
    public override string ToString() => Offset >= 0 ? $"{Subject} at log position {Offset}: {Description}" : $"{Subject}: {Description}";
}
