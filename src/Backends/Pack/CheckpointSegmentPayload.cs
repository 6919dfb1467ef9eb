using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// A segment payload made by <see cref="CheckpointEncoder"/>, with what the directory needs to list
/// it once the caller has appended it: its first hash and its entry count.
/// </summary>
internal readonly struct CheckpointSegmentPayload
{
    /// <summary>Creates the value.</summary>
    public CheckpointSegmentPayload(Hash firstHash, int count, byte[] payload)
    {
        FirstHash = firstHash;
        Count = count;
        Payload = payload;
    }

    /// <summary>The smallest hash in the segment (default for the empty segment of an empty index).</summary>
    public Hash FirstHash { get; }

    /// <summary>The number of entries.</summary>
    public int Count { get; }

    /// <summary>The kind-3 record payload (magic <c>IRMNIDX1</c>), at most <see cref="RecordHeader.MaxPayload"/> bytes.</summary>
    public byte[] Payload { get; }

    /// <summary>The directory entry for this segment once its record is at <paramref name="location"/>.</summary>
    public CheckpointDirectoryEntry At(Location location) => new(FirstHash, location, Count);
}
