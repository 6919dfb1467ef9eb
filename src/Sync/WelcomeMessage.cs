namespace IrminSharp.Sync;

/// <summary>The server's answer to hello: its protocol version, schema and content type.</summary>
internal sealed record WelcomeMessage(int Version, string Schema, string ContentType);
