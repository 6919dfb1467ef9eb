namespace IrminSharp.Backends.Pack;

/// <summary>Where a record lives: its log position (monotonic, not wrapped) and total length.</summary>
internal readonly record struct Location(long Offset, int Length);
