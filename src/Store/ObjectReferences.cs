namespace IrminSharp.Store;

/// <summary>
/// What an encoded object names: the edges of the object graph, read through a schema. Backends
/// walk reachability with it (gc, fsck) without knowing any encoding.
/// </summary>
public static class ObjectReferences
{
    /// <summary>
    /// Adds to <paramref name="output"/> every object <paramref name="encodedObject"/> names: a
    /// commit's root node and parents, a flat node's entries, an inner node's children. Contents
    /// name nothing.
    /// </summary>
    /// <exception cref="CorruptDataException">The bytes are not a valid object of the schema.</exception>
    public static void List(Schema schema, ReadOnlyMemory<byte> encodedObject, Hash hash, List<Hash> output)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(output);
        switch (schema.KindOf(encodedObject.Span, hash))
        {
            case ObjectKind.Commit:
                var commit = schema.DecodeCommit(encodedObject, hash);
                output.Add(commit.Root);
                output.AddRange(commit.Parents);
                break;
            case ObjectKind.Node:
            case ObjectKind.Inode:
                var node = schema.DecodeNode(encodedObject, hash);
                if (node.IsInner)
                {
                    output.AddRange(node.Children);
                }
                else
                {
                    foreach (var entry in node.Entries)
                    {
                        output.Add(entry.Hash);
                    }
                }

                break;
            default:
                break;
        }
    }
}
