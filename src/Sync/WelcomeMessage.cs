namespace IrminSharp.Sync;

/// <summary>The server's answer to hello: its protocol version, schema, content type and capabilities.</summary>
internal sealed record WelcomeMessage(int Version, string Schema, string ContentType, IReadOnlyList<string> Capabilities);
