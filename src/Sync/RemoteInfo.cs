using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>What a server says of a store: its schema, content type and shared refs.</summary>
public sealed record RemoteInfo(string Schema, string ContentType, IReadOnlyList<KeyValuePair<string, Hash>> Refs);
