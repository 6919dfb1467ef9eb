using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>The object store of a pack. Disposing it closes the pack.</summary>
public sealed class PackObjectStore : IObjectStore
{
    private readonly PackStore owner;

    internal PackObjectStore(PackStore owner) => this.owner = owner;

    /// <inheritdoc/>
    public bool TryRead(Hash hash, out ReadOnlyMemory<byte> encodedObject) => owner.File.TryRead(hash, out encodedObject);

    /// <inheritdoc/>
    public bool Contains(Hash hash) => owner.File.Contains(hash);

    /// <inheritdoc/>
    public bool Add(Hash hash, ReadOnlySpan<byte> encodedObject) => owner.File.Add(hash, encodedObject);

    /// <inheritdoc/>
    public void Flush() => owner.File.Commit();

    /// <inheritdoc/>
    public bool Discard(IReadOnlyCollection<Hash> hashes) => owner.File.Discard(hashes);

    /// <inheritdoc/>
    public long Collections => owner.File.Collections;

    /// <inheritdoc/>
    public void Dispose() => owner.Dispose();
}
