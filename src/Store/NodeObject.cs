using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// A decoded node object: either a flat, sorted list of entries, or an inner node of a hash trie
/// with up to 32 children.
/// </summary>
public sealed class NodeObject
{
    private ulong[]? prefixes;

    private NodeObject(ImmutableArray<NodeEntry> entries, long count, uint bitmap, ImmutableArray<Hash> children)
    {
        Entries = entries;
        Count = count;
        Bitmap = bitmap;
        Children = children;
    }

    /// <summary>Whether this is an inner trie node (else a flat list of entries).</summary>
    public bool IsInner => !Children.IsDefault;

    /// <summary>The entries, sorted by step (ordinal); default for inner nodes.</summary>
    public ImmutableArray<NodeEntry> Entries { get; }

    /// <summary>The number of entries in this node and every node below it.</summary>
    public long Count { get; }

    /// <summary>Which of the 32 buckets hold a child (bit i for bucket i); inner nodes only.</summary>
    public uint Bitmap { get; }

    /// <summary>The children of the occupied buckets, in bucket order; inner nodes only.</summary>
    public ImmutableArray<Hash> Children { get; }

    /// <summary>A flat node. <paramref name="entries"/> must be sorted by step, ordinal, without duplicates.</summary>
    public static NodeObject Flat(ImmutableArray<NodeEntry> entries) => new(entries, entries.Length, 0, default);

    /// <summary>An inner trie node.</summary>
    public static NodeObject Inner(long count, uint bitmap, ImmutableArray<Hash> children) => new(default, count, bitmap, children);

    /// <summary>The empty node.</summary>
    public static NodeObject Empty { get; } = Flat(ImmutableArray<NodeEntry>.Empty);

    /// <summary>Finds an entry by step in a flat node by binary search.</summary>
    /// <remarks>
    /// The search runs over the steps' first four characters packed into integers, which sit
    /// together in memory; only a tie reads the step strings themselves.
    /// </remarks>
    public bool TryFindFlat(string step, out NodeEntry entry)
    {
        var entries = Entries;
        var keys = prefixes ??= BuildPrefixes(entries);
        var key = Prefix(step);
        int lo = 0, hi = entries.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = keys[mid].CompareTo(key);
            if (c == 0)
            {
                c = string.CompareOrdinal(entries[mid].Step, step);
            }

            if (c == 0)
            {
                entry = entries[mid];
                return true;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// The first four UTF-16 code units of <paramref name="step"/>, most significant first, zero
    /// padded. Ordered like <see cref="string.CompareOrdinal(string, string)"/> on those units;
    /// steps contain no NUL, so the padding sorts before every real character.
    /// </summary>
    private static ulong Prefix(string step)
    {
        ulong key = 0;
        for (var i = 0; i < 4; i++)
        {
            key = (key << 16) | (i < step.Length ? step[i] : 0u);
        }

        return key;
    }

    private static ulong[] BuildPrefixes(ImmutableArray<NodeEntry> entries)
    {
        var keys = new ulong[entries.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Prefix(entries[i].Step);
        }

        return keys;
    }

    /// <summary>The child hash of bucket <paramref name="bucket"/>, if occupied.</summary>
    public bool TryGetChild(int bucket, out Hash child)
    {
        var bit = 1u << bucket;
        if ((Bitmap & bit) == 0)
        {
            child = default;
            return false;
        }

        child = Children[System.Numerics.BitOperations.PopCount(Bitmap & (bit - 1))];
        return true;
    }
}
