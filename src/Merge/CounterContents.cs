using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// A 64-bit counter, stored as a MessagePack integer in its smallest form. Merge: ours + theirs −
/// ancestor (in 128 bits; a result outside 64 bits conflicts), so increments made concurrently on
/// two replicas all survive, and replicas that merged the same commits in any order hold the same
/// count. Removal follows <see cref="Merges.Option{T}"/>: a counter removed on one side and left
/// alone on the other is removed, removed on both sides stays removed, and removed on one side
/// while the other changed it conflicts (in every merge order, so convergence holds).
/// </summary>
/// <remarks>
/// The counter merge is not idempotent on purpose: two sides that both went from 1 to 2 merge to
/// 3, because each counted one event. A removal is not a reset: a reset that two replicas made
/// concurrently would have to count once, which no merge of plain counts can do while staying
/// independent of the merge order.
/// </remarks>
public sealed class CounterContents : IContentType<long>
{
    private CounterContents()
    {
    }

    /// <summary>The one instance.</summary>
    public static CounterContents Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "counter";

    /// <inheritdoc/>
    public MergeFunction<Option<long>> Merge { get; } = Merges.Option(Merges.Counter());

    /// <inheritdoc/>
    public void Encode(long value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var w = new MessagePackWriter(writer);
        w.Write(value);
        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out long value)
    {
        value = 0;
        if (bytes.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new MessagePackReader(bytes.ToArray());
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                return false;
            }

            value = reader.ReadInt64();
            if (!reader.End)
            {
                return false;
            }
        }
        catch (Exception e) when (DecodeFailure.Is(e))
        {
            return false;
        }

        // Canonical: only the smallest encoding of a number is accepted.
        return CanonicalEncoding.Matches(this, value, bytes);
    }

    /// <inheritdoc/>
    public string Format(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
