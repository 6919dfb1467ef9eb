namespace IrminSharp.Sync;

/// <summary>The client's first message: what it speaks, what it can do, and which store it wants.</summary>
internal sealed record HelloMessage(int Version, string Schema, string ContentType, string Store, IReadOnlyList<string> Capabilities);
