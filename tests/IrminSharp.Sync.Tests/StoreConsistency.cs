using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>Checks that a store a transfer wrote to, whole or broken, is consistent.</summary>
public static class StoreConsistency
{
    /// <summary>Every ref's closure is stored: walking from all ref values finds nothing missing.</summary>
    public static void AssertRefsComplete(ObjectDatabase db, IRefStore refs)
    {
        var roots = refs.List().Select(r => r.Value).ToList();
        var ex = Record.Exception(() => ObjectGraph.Reachable(db, roots));
        Assert.True(ex is null, $"a ref's closure is incomplete: {ex?.Message}");
    }

    /// <summary>
    /// Every object of <paramref name="source"/>'s graph (from <paramref name="sourceRoots"/>) that
    /// <paramref name="local"/> holds names only objects <paramref name="local"/> holds too: no
    /// received object dangles, so whatever arrived before a break is a sound base to resume from.
    /// Returns how many of the source's objects the local store holds.
    /// </summary>
    public static int AssertNothingDangles(ObjectDatabase local, ObjectDatabase source, IEnumerable<Hash> sourceRoots)
    {
        var held = 0;
        foreach (var hash in ObjectGraph.Reachable(source, sourceRoots))
        {
            if (!local.Contains(hash))
            {
                continue;
            }

            held++;
            foreach (var named in Named(source, hash))
            {
                Assert.True(local.Contains(named), $"the store holds {hash} but not {named}, which it names");
            }
        }

        return held;
    }

    /// <summary>The refs under <paramref name="prefix"/>, by their name after it.</summary>
    public static Dictionary<string, Hash> RefsUnder(IRefStore refs, string prefix) =>
        refs.List(prefix).ToDictionary(r => r.Key[prefix.Length..], r => r.Value, StringComparer.Ordinal);

    private static IEnumerable<Hash> Named(ObjectDatabase db, Hash hash)
    {
        var raw = db.ReadRaw(hash);
        switch (db.Schema.KindOf(raw.Span, hash))
        {
            case ObjectKind.Commit:
                var commit = db.ReadCommit(hash);
                return [commit.Root, .. commit.Parents];
            case ObjectKind.Node:
            case ObjectKind.Inode:
                var node = db.ReadNode(hash);
                return node.IsInner ? node.Children : node.Entries.Select(e => e.Hash);
            default:
                return [];
        }
    }
}
