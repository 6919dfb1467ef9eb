namespace IrminSharp.Sync;

/// <summary>The type byte of a frame. See docs/protocol/sync.md.</summary>
internal enum MessageType : byte
{
    Hello = 1,
    Welcome = 2,
    Error = 3,
    ListRefs = 4,
    Refs = 5,
    Fetch = 6,
    Offer = 7,
    Need = 8,
    Objects = 9,
    End = 10,
    Push = 11,
    RefUpdate = 12,
    RefUpdated = 13,
    Stream = 14,
    ObjectsZlib = 15,
    StreamZlib = 16,
}
