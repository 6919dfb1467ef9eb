using IrminSharp.Store;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// One entry of a hand-built objects message: the object whole (<see cref="Base"/> null), or a
/// delta: the first <see cref="Prefix"/> bytes of the base, then <see cref="Bytes"/>, then the
/// last <see cref="Suffix"/> bytes of the base. Nothing checks that the numbers make sense.
/// </summary>
public sealed record WireObjectEntry(ReadOnlyMemory<byte> Bytes, Hash? Base = null, int Prefix = 0, int Suffix = 0)
{
    /// <summary>An object sent whole.</summary>
    public static WireObjectEntry Whole(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>
    /// <paramref name="target"/> as an honest delta against <paramref name="baseObject"/> (known
    /// to the receiver as <paramref name="baseHash"/>): the bytes they share at each end are named
    /// by length.
    /// </summary>
    public static WireObjectEntry HonestDelta(Hash baseHash, ReadOnlySpan<byte> baseObject, ReadOnlyMemory<byte> target)
    {
        var prefix = baseObject.CommonPrefixLength(target.Span);
        var room = Math.Min(baseObject.Length, target.Length) - prefix;
        var suffix = 0;
        while (suffix < room && baseObject[^(suffix + 1)] == target.Span[^(suffix + 1)])
        {
            suffix++;
        }

        return new WireObjectEntry(target[prefix..(target.Length - suffix)], baseHash, prefix, suffix);
    }
}
