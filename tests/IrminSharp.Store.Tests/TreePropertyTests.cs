using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;

namespace IrminSharp.Store.Tests;

public sealed class TreePropertyTests
{
    private static ObjectDatabase NewDb() => new(new MemoryObjectStore(), NativeSchema.Instance);

    private static string Step(int i) => "s" + (i & 0x3ff);

    /// <summary>Builds a directory one stored commit at a time, in the given order and chunking.</summary>
    private static Hash BuildIncrementally(ObjectDatabase db, IEnumerable<(string Step, string Value)> entries, int chunk)
    {
        var tree = Tree.OfStoredNode(db, Tree.Empty.Persist(db, true));
        foreach (var part in entries.Chunk(Math.Max(1, chunk)))
        {
            var edited = part.Aggregate(tree, (t, e) => t.Add(e.Step, Encoding.UTF8.GetBytes(e.Value)));
            tree = Tree.OfStoredNode(db, edited.Persist(db, true));
        }

        return tree.Hash;
    }

    [Property(MaxTest = 60)]
    public Property HashTrie_HashAndShape_DependOnlyOnTheEntries(int[] keys, int seed, byte chunk)
    {
        var entries = (keys ?? []).Select(k => Step(k)).Distinct().Select(s => (s, "v" + s)).ToArray();
        var shuffled = entries.OrderBy(_ => new Random(seed).Next()).ToArray();
        var db = NewDb();
        var a = BuildIncrementally(db, entries, entries.Length);
        var b = BuildIncrementally(db, shuffled, 1 + chunk % 50);
        return (a == b).Label($"{entries.Length} entries, chunk {1 + chunk % 50}, seed {seed}");
    }

    [Property(MaxTest = 40)]
    public Property HashTrie_RemovalsAndAdditions_MatchABuildFromScratch(int[] initial, int[] removed, int[] added)
    {
        var db = NewDb();
        var start = (initial ?? []).Select(Step).Distinct().ToList();
        var gone = (removed ?? []).Select(Step).ToHashSet();
        var extra = (added ?? []).Select(k => Step(k + 512)).ToList();
        var stored = Tree.OfStoredNode(db, start.Aggregate(Tree.Empty, (t, s) => t.Add(s, Encoding.UTF8.GetBytes("1"))).Persist(db, true));
        var edited = gone.Aggregate(stored, (t, s) => t.Remove(s));
        edited = extra.Aggregate(edited, (t, s) => t.Add(s, Encoding.UTF8.GetBytes("2")));
        var final = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in start.Where(s => !gone.Contains(s)))
        {
            final[s] = "1";
        }

        foreach (var s in extra)
        {
            final[s] = "2";
        }

        var scratch = final.Aggregate(Tree.Empty, (t, e) => t.Add(e.Key, Encoding.UTF8.GetBytes(e.Value)));
        var persisted = edited.Persist(db, true);
        var reread = Tree.OfStoredNode(db, persisted);
        var listed = reread.List(StorePath.Root).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        return (persisted == scratch.Hash && listed.SequenceEqual(final.Keys) && reread.Count == final.Count)
            .Label($"{start.Count} initial, {gone.Count} removed, {extra.Count} added");
    }
}
