using IrminSharp.Store;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// A run of bytes in a pack image and what they belong to: a superblock field, or the header or
/// payload of one log record (with the record's log position, and its object hash for objects).
/// </summary>
/// <param name="Start">First byte, an index into the image.</param>
/// <param name="End">One past the last byte.</param>
/// <param name="Label">The record type, for counts: "superblock newest: generation", "object node: payload", ...</param>
/// <param name="RecordPosition">The log position of the record, or -1 for a superblock.</param>
/// <param name="Object">The object the record holds, if any.</param>
internal sealed record ImageRegion(long Start, long End, string Label, long RecordPosition, Hash? Object)
{
    /// <summary>Whether the bytes are a superblock's.</summary>
    public bool IsSuperblock => RecordPosition < 0;
}
