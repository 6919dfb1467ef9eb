namespace IrminSharp.Store;

/// <summary>One compare-and-swap of a batch (see <see cref="IRefStore.CompareAndSwapAll"/>).</summary>
/// <param name="Name">The ref, such as <c>heads/main</c>.</param>
/// <param name="Expected">The value it must hold; null: it must be absent.</param>
/// <param name="Desired">The value it is set to; null deletes it.</param>
public sealed record RefSwap(string Name, Hash? Expected, Hash? Desired);
