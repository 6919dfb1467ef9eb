using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>A ref that a sync moved: from <paramref name="Old"/> (null: created) to <paramref name="New"/> (null: deleted).</summary>
public sealed record RefMove(string Name, Hash? Old, Hash? New);
