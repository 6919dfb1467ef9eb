using MessagePack;

namespace IrminSharp.Merge;

/// <summary>The exceptions a MessagePack reader throws on damaged input.</summary>
internal static class DecodeFailure
{
    // Lengths past the end raise ArgumentOutOfRangeException, wrong types
    // MessagePackSerializationException, big numbers OverflowException: all mean "not valid".
    public static bool Is(Exception e) =>
        e is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException or InvalidOperationException;
}
