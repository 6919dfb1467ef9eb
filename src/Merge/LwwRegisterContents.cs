using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>
/// Last-writer-wins registers of <typeparamref name="T"/>. Encoding: a MessagePack array
/// <c>[timestamp, writer, bin value]</c>, the value encoded by the inner content type. Merge: a side
/// unchanged from the ancestor yields to the other; otherwise the later timestamp wins, and ties go
/// to the greater writer (ordinal), then to the greater value encoding, so the merge is symmetric
/// and deterministic. A register removed on one side and rewritten on the other conflicts.
/// </summary>
/// <remarks>
/// Replicas that merged the same commits hold the same register, whatever order they merged in,
/// when every write is stamped later than the value it replaced: then every merge picks the
/// latest write of its history. <see cref="LwwRegister{T}.Write"/> stamps writes that way even
/// when the writer's clock is behind. See <see cref="Merges.LastWriterWins{T}(Func{T, long}, IComparer{T}?, IEqualityComparer{T}?)"/>.
/// </remarks>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class LwwRegisterContents<T> : IContentType<LwwRegister<T>>
{
    private readonly IContentType<T> inner;

    /// <summary>Registers whose values use <paramref name="inner"/>'s codec.</summary>
    public LwwRegisterContents(IContentType<T> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
        var same = EqualityComparer<LwwRegister<T>>.Create(SameRegister, r => HashCode.Combine(r.Timestamp, r.Writer));
        var winner = Merges.LastWriterWins(r => r.Timestamp, Comparer<LwwRegister<T>>.Create(CompareTies), same);
        Merge = Merges.Option(winner, same);
    }

    /// <inheritdoc/>
    public string Name => "lww-" + inner.Name;

    /// <inheritdoc/>
    public MergeFunction<Option<LwwRegister<T>>> Merge { get; }

    /// <inheritdoc/>
    public void Encode(LwwRegister<T> value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new MessagePackWriter(writer);
        w.WriteArrayHeader(3);
        w.Write(value.Timestamp);
        w.Write(value.Writer);
        w.Write(EncodeValue(value.Value));
        w.Flush();
    }

    /// <inheritdoc/>
    public bool TryDecode(ReadOnlySpan<byte> bytes, [MaybeNullWhen(false)] out LwwRegister<T> value) =>
        CanonicalEncoding.TryDecode(this, bytes, Parse, out value);

    // [timestamp, writer, bin value].
    private bool Parse(ref MessagePackReader reader, [MaybeNullWhen(false)] out LwwRegister<T> value)
    {
        value = null;
        if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 3)
        {
            return false;
        }

        var timestamp = reader.ReadInt64();
        var writer = reader.ReadString();
        var encoded = reader.ReadBytes();
        if (writer is null || encoded is null || !inner.TryDecode(encoded.Value.ToArray(), out var decoded))
        {
            return false;
        }

        value = new LwwRegister<T>(decoded, timestamp, writer);
        return true;
    }

    /// <inheritdoc/>
    public string Format(LwwRegister<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return $"{inner.Format(value.Value)} @{value.Timestamp} by {value.Writer}";
    }

    private int CompareTies(LwwRegister<T>? a, LwwRegister<T>? b)
    {
        var c = string.CompareOrdinal(a!.Writer, b!.Writer);
        return c != 0 ? c : EncodeValue(a.Value).AsSpan().SequenceCompareTo(EncodeValue(b.Value));
    }

    private bool SameRegister(LwwRegister<T>? a, LwwRegister<T>? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Timestamp == b.Timestamp && string.Equals(a.Writer, b.Writer, StringComparison.Ordinal) && EncodeValue(a.Value).AsSpan().SequenceEqual(EncodeValue(b.Value));

    private byte[] EncodeValue(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        inner.Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
