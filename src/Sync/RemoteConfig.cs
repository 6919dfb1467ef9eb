namespace IrminSharp.Sync;

/// <summary>A remote as a store remembers it: where it is and how to trust it.</summary>
public sealed record RemoteConfig(string Name, RemoteUrl Url, string? ServerFingerprint, bool InsecureLoopback);
