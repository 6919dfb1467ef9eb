namespace IrminSharp.Sync;

/// <summary>
/// The delta between an object and an older version of it: the bytes they share at the start and
/// at the end are named by length, only the middle travels. A node that changed one entry (one
/// child hash of an inner node, one entry of a leaf) shares all but a few dozen bytes with its
/// older version.
/// </summary>
internal static class ObjectDelta
{
    /// <summary>The bytes a delta adds beyond its middle: base hash, lengths and headers.</summary>
    public const int Overhead = 48;

    /// <summary>How much of <paramref name="target"/> it shares with <paramref name="baseObject"/> at each end.</summary>
    public static (int Prefix, int Suffix) Shared(ReadOnlySpan<byte> baseObject, ReadOnlySpan<byte> target)
    {
        var prefix = baseObject.CommonPrefixLength(target);
        var room = Math.Min(baseObject.Length, target.Length) - prefix;
        var suffix = 0;
        while (suffix < room && baseObject[^(suffix + 1)] == target[^(suffix + 1)])
        {
            suffix++;
        }

        return (prefix, suffix);
    }

    /// <summary>Rebuilds an object from its base and a delta; null when the delta does not fit the base or the limit.</summary>
    public static byte[]? Apply(ReadOnlySpan<byte> baseObject, int prefix, int suffix, ReadOnlySpan<byte> middle, int maxBytes)
    {
        if (prefix < 0 || suffix < 0 || (long)prefix + suffix > baseObject.Length || (long)prefix + suffix + middle.Length > maxBytes)
        {
            return null;
        }

        var result = new byte[prefix + middle.Length + suffix];
        baseObject[..prefix].CopyTo(result);
        middle.CopyTo(result.AsSpan(prefix));
        baseObject[^suffix..].CopyTo(result.AsSpan(prefix + middle.Length));
        return result;
    }
}
