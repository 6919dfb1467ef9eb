namespace IrminSharp.Compare;

/// <summary>Where IrminSharp keeps its objects and refs in the commit and merge scenarios.</summary>
internal enum StoreBackend
{
    /// <summary>The in-memory backend; the peer repository is on a RAM disk.</summary>
    Memory,

    /// <summary>A pack file on the disk under <c>--dir</c>; the peer repository is next to it.</summary>
    Pack,
}
