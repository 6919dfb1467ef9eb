namespace IrminSharp.Store;

/// <summary>
/// A content-addressed object store: encoded objects by hash. The backend contract every
/// storage implements.
/// </summary>
/// <remarks>
/// Objects are immutable; adding one that exists is a no-op. An added object is visible to
/// readers at once, and durable after <see cref="Flush"/> returns. Implementations are safe for
/// concurrent use.
/// </remarks>
public interface IObjectStore : IDisposable
{
    /// <summary>Reads an encoded object; false when absent.</summary>
    bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject);

    /// <summary>Whether an object is present.</summary>
    bool Contains(Hash hash);

    /// <summary>Adds an encoded object under its hash; true when it was new.</summary>
    /// <remarks>The caller computed <paramref name="hash"/> from <paramref name="encodedObject"/> with the store's schema.</remarks>
    bool Add(Hash hash, ReadOnlySpan<byte> encodedObject);

    /// <summary>Makes every added object durable.</summary>
    void Flush();

    /// <summary>
    /// Drops objects added and not yet made durable, after <see cref="Flush"/> failed to write
    /// them (a full device), so that later flushes do not retry them. Objects already durable, and
    /// all of them when a ref names an object not yet durable, are kept. True when any was dropped;
    /// then <see cref="Collections"/> changes, as after a gc, so writers building on them start again.
    /// Stores that cannot fail to write keep everything.
    /// </summary>
    bool Discard(IReadOnlyCollection<Hash> hashes) => false;

    /// <summary>
    /// How many garbage collections have removed objects from this store so far. Whoever caches
    /// decoded objects or checked that an object is present drops or rechecks that knowledge
    /// when this changes. Stores that never remove objects keep it at 0.
    /// </summary>
    long Collections => 0;
}
