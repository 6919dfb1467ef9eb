using System.Buffers;
using System.Collections.Immutable;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// The native schema, calling a hook (once) the first time gc or fsck asks an
/// object's kind: a way to run code at a chosen moment inside a gc's walk.
/// </summary>
internal sealed class HookedSchema : Schema
{
    private readonly Schema inner = NativeSchema.Instance;
    private Action? onKindOf;

    public HookedSchema(Action onKindOf) => this.onKindOf = onKindOf;

    public override string Name => inner.Name;

    public override int HashSize => inner.HashSize;

    public override bool UsesHashTrie => inner.UsesHashTrie;

    public override Hash ComputeHash(ReadOnlySpan<byte> encodedObject) => inner.ComputeHash(encodedObject);

    public override Hash HashStep(string step) => inner.HashStep(step);

    public override ObjectKind KindOf(ReadOnlySpan<byte> encodedObject, Hash hash)
    {
        Interlocked.Exchange(ref onKindOf, null)?.Invoke();
        return inner.KindOf(encodedObject, hash);
    }

    public override void EncodeContents(ReadOnlySpan<byte> value, IBufferWriter<byte> writer) => inner.EncodeContents(value, writer);

    public override ReadOnlyMemory<byte> DecodeContents(ReadOnlyMemory<byte> encodedObject, Hash hash) => inner.DecodeContents(encodedObject, hash);

    public override void EncodeNode(NodeObject node, IBufferWriter<byte> writer) => inner.EncodeNode(node, writer);

    public override NodeObject DecodeNode(ReadOnlyMemory<byte> encodedObject, Hash hash) => inner.DecodeNode(encodedObject, hash);

    public override void EncodeCommit(Hash root, ImmutableArray<Hash> parents, CommitInfo info, long height, IBufferWriter<byte> writer) => inner.EncodeCommit(root, parents, info, height, writer);

    public override Commit DecodeCommit(ReadOnlyMemory<byte> encodedObject, Hash hash) => inner.DecodeCommit(encodedObject, hash);
}
