using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// One segment as a <see cref="CheckpointDirectory"/> lists it: the first (smallest) hash it holds,
/// where its kind-3 record lies in the log, and how many entries it holds.
/// </summary>
internal readonly record struct CheckpointDirectoryEntry(Hash FirstHash, Location Location, int Count);
