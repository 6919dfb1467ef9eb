using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Objects messages whose second entry is a delta that cannot stand: each one pairs with the text
/// the receiver's refusal must contain.
/// </summary>
public static class BadDeltas
{
    public static TheoryData<string, string> Cases => new()
    {
        { "against a base the receiver does not have", "which is not here" },
        { "longer than its base", "is a delta that does not fit its base" },
        { "rebuilding another object", "hashes to" },
        { "over the object size limit", "bytes (limit 8388608)" },
        { "with a negative prefix", "sent a malformed objects message" },
    };

    /// <summary>
    /// The first of <paramref name="offered"/> whole, then the second as the delta <paramref name="how"/>
    /// describes (against the first, except where the base is the point).
    /// </summary>
    public static List<WireObjectEntry> Message(string how, ObjectDatabase source, IReadOnlyList<Hash> offered)
    {
        var first = source.ReadRaw(offered[0]);
        var second = source.ReadRaw(offered[1]);
        var delta = how switch
        {
            "against a base the receiver does not have" => new WireObjectEntry(second, Hash.ComputeBlake3("no such object"u8), 0, 0),
            "longer than its base" => new WireObjectEntry(second, offered[0], first.Length, 1),
            "rebuilding another object" => new WireObjectEntry(first, offered[0], 0, 0),
            "over the object size limit" => new WireObjectEntry(second, offered[0], 8 << 20, 0),
            "with a negative prefix" => new WireObjectEntry(second, offered[0], -1, 0),
            _ => throw new ArgumentException(how, nameof(how)),
        };
        return [WireObjectEntry.Whole(first), delta];
    }
}
