namespace IrminSharp.Sync;

/// <summary>One message on the wire: a type byte and a MessagePack body.</summary>
/// <remarks>The body is a copy owned by the frame, independent of the receive buffer.</remarks>
public sealed class Frame
{
    /// <summary>Creates a frame.</summary>
    public Frame(byte type, ReadOnlyMemory<byte> body)
    {
        Type = type;
        Body = body;
    }

    /// <summary>The message type.</summary>
    public byte Type { get; }

    /// <summary>The MessagePack-encoded body.</summary>
    public ReadOnlyMemory<byte> Body { get; }
}
