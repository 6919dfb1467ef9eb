using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// After a push's objects: move <paramref name="Name"/> from <paramref name="Expected"/> (null:
/// absent) to <paramref name="Desired"/>, refusing a non-fast-forward unless <paramref name="Force"/>.
/// </summary>
internal sealed record RefUpdateMessage(string Name, Hash? Expected, Hash Desired, bool Force);
