using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The entry points PackFile used before checkpoints were segmented, kept so it builds unchanged:
/// <see cref="Open"/> reads both formats (a single segment or a directory of segments) through
/// <see cref="CheckpointIndex"/>, and <see cref="Encode"/> writes one single-segment payload.
/// </summary>
/// <remarks>
/// New code uses <see cref="CheckpointEncoder"/>, <see cref="CheckpointDirectory"/> and
/// <see cref="CheckpointIndex"/> directly; this type goes once PackFile does.
/// </remarks>
internal sealed class Checkpoint
{
    private readonly CheckpointIndex index;

    private Checkpoint(CheckpointIndex index) => this.index = index;

    /// <summary>The number of entries.</summary>
    public long Count => index.Count;

    /// <summary>
    /// Encodes a single-segment payload from entries sorted by hash. Throws
    /// <see cref="InvalidOperationException"/> above <see cref="CheckpointSegment.MaxEntries"/>
    /// entries, which one record cannot hold: use <see cref="CheckpointEncoder"/>.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<(Hash Hash, Location Location)> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count > CheckpointSegment.MaxEntries)
        {
            throw new InvalidOperationException($"{sorted.Count} entries do not fit in one checkpoint record; write segments with CheckpointEncoder.");
        }

        return new CheckpointEncoder(CheckpointSegment.MaxEntries).EncodeSegments(sorted).Single().Payload;
    }

    /// <summary>
    /// Opens the checkpoint whose root record's payload starts at <paramref name="payloadPosition"/>.
    /// Segments of a directory must lie within one ring's length before it.
    /// </summary>
    public static Checkpoint Open(RingLog log, long payloadPosition, long payloadLength, string where)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (payloadPosition < RecordHeader.Size || payloadLength is < 0 or > RecordHeader.MaxPayload || payloadPosition > long.MaxValue - payloadLength)
        {
            throw new CorruptDataException(where, payloadPosition, $"an index checkpoint cannot be {payloadLength} bytes at {payloadPosition}");
        }

        var root = payloadPosition - RecordHeader.Size;
        var end = payloadPosition + payloadLength;
        return new Checkpoint(CheckpointIndex.Open(log, root, payloadLength + RecordHeader.Size, Math.Max(0, end - log.Capacity), end, where));
    }

    /// <summary>Finds the location of <paramref name="hash"/>.</summary>
    public bool TryFind(Hash hash, out Location location) => index.TryFind(hash, out location);

    /// <summary>Every entry, in hash order.</summary>
    public IEnumerable<(Hash Hash, Location Location)> Enumerate() => index.Enumerate();
}
