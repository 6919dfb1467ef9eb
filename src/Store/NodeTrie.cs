using System.Collections.Immutable;

namespace IrminSharp.Store;

/// <summary>
/// Reads and updates directories, flat or stored as 32-way hash tries of inner nodes keyed by the
/// hash of the step. The shape of a directory depends only on its set of entries:
/// <list type="bullet">
/// <item>at most <see cref="Schema.MaxFlatEntries"/> entries: one flat node;</item>
/// <item>more: an inner node whose bucket <c>i</c> holds the entries whose step hash has 5-bit digit
/// <c>i</c> at that depth; a bucket of at most <see cref="Schema.MaxLeafEntries"/> entries is a flat
/// leaf, a larger one an inner node one level deeper; an empty bucket is absent.</item>
/// </list>
/// Updating k entries of an n-entry directory reads and writes O(k log n) objects.
/// </summary>
internal static class NodeTrie
{
    /// <summary>Finds an entry in the directory stored at <paramref name="node"/>.</summary>
    public static bool TryFind(ObjectDatabase db, Hash node, string step, out NodeEntry entry) => TryFind(db, node, step, 0, out entry);

    /// <summary>Finds an entry under <paramref name="node"/>, a trie node at level <paramref name="level"/> (0: a directory's top).</summary>
    public static bool TryFind(ObjectDatabase db, Hash node, string step, int level, out NodeEntry entry)
    {
        var obj = db.ReadNode(node);
        if (!obj.IsInner)
        {
            return obj.TryFindFlat(step, out entry);
        }

        var stepHash = db.Schema.HashStep(step);
        var depth = level;
        while (obj.IsInner)
        {
            if (!obj.TryGetChild(Digit(stepHash, depth, node), out var child))
            {
                entry = default;
                return false;
            }

            obj = db.ReadNode(child);
            depth++;
        }

        return obj.TryFindFlat(step, out entry);
    }

    /// <summary>The number of entries in the directory stored at <paramref name="node"/>.</summary>
    public static long Count(ObjectDatabase db, Hash node) => db.ReadNode(node).Count;

    /// <summary>
    /// Entries in the directory's canonical order (sorted by step for flat directories, by trie
    /// bucket then step for large ones), skipping <paramref name="offset"/> in O(log n) reads.
    /// </summary>
    public static IEnumerable<NodeEntry> List(ObjectDatabase db, Hash node, long offset = 0, long count = long.MaxValue) =>
        List(db, node, offset, count, new HashSet<Hash>());

    private static IEnumerable<NodeEntry> List(ObjectDatabase db, Hash node, long offset, long count, HashSet<Hash> visited)
    {
        Visit(visited, node);
        if (count <= 0)
        {
            yield break;
        }

        var obj = db.ReadNode(node);
        if (!obj.IsInner)
        {
            for (var i = (int)Math.Min(offset, obj.Entries.Length); i < obj.Entries.Length && count > 0; i++, count--)
            {
                yield return obj.Entries[i];
            }

            yield break;
        }

        foreach (var child in obj.Children)
        {
            if (count <= 0)
            {
                yield break;
            }

            var childCount = Count(db, child);
            if (offset >= childCount)
            {
                offset -= childCount;
                continue;
            }

            foreach (var entry in List(db, child, offset, count, visited))
            {
                yield return entry;
                count--;
            }

            offset = 0;
        }
    }

    /// <summary>
    /// Applies <paramref name="changes"/> (distinct steps) to the directory at <paramref name="node"/>
    /// (null: empty) and returns the new directory's hash, writing new objects when
    /// <paramref name="persist"/>.
    /// </summary>
    public static Hash Update(ObjectDatabase db, Hash? node, IReadOnlyList<NodeChange> changes, bool persist)
    {
        if (changes.Count == 0)
        {
            return node ?? db.WriteNode(NodeObject.Empty, persist);
        }

        var routed = new Routed[changes.Count];
        for (var i = 0; i < routed.Length; i++)
        {
            routed[i] = new Routed(changes[i], db.Schema.UsesHashTrie ? db.Schema.HashStep(changes[i].Step) : default);
        }

        var writer = new Writer(db, persist);
        var (hash, _) = UpdateAt(writer, node, 0, routed);
        return hash ?? Write(writer, NodeObject.Empty);
    }

    /// <summary>
    /// The steps whose entries differ between two stored directories, with both entries. Equal
    /// subtrees of the tries are skipped, so the cost follows the size of the difference.
    /// </summary>
    public static void Diff(ObjectDatabase db, Hash? left, Hash? right, List<(string Step, NodeEntry? Left, NodeEntry? Right)> output)
    {
        if (left == right)
        {
            return;
        }

        var l = left is { } lh ? db.ReadNode(lh) : NodeObject.Empty;
        var r = right is { } rh ? db.ReadNode(rh) : NodeObject.Empty;
        DiffObjects(db, l, r, output);
    }

    private static void DiffObjects(ObjectDatabase db, NodeObject l, NodeObject r, List<(string, NodeEntry?, NodeEntry?)> output)
    {
        if (l.IsInner && r.IsInner)
        {
            for (var bucket = 0; bucket < 32; bucket++)
            {
                var hasL = l.TryGetChild(bucket, out var cl);
                var hasR = r.TryGetChild(bucket, out var cr);
                if (hasL && hasR && cl == cr)
                {
                    continue;
                }

                if (hasL || hasR)
                {
                    DiffObjects(db, hasL ? db.ReadNode(cl) : NodeObject.Empty, hasR ? db.ReadNode(cr) : NodeObject.Empty, output);
                }
            }

            return;
        }

        var le = l.IsInner ? Collect(db, l) : l.Entries;
        var re = r.IsInner ? Collect(db, r) : r.Entries;
        int i = 0, j = 0;
        while (i < le.Length || j < re.Length)
        {
            var c = i == le.Length ? 1 : j == re.Length ? -1 : string.CompareOrdinal(le[i].Step, re[j].Step);
            if (c < 0)
            {
                output.Add((le[i].Step, le[i], null));
                i++;
            }
            else if (c > 0)
            {
                output.Add((re[j].Step, null, re[j]));
                j++;
            }
            else
            {
                if (le[i] != re[j])
                {
                    output.Add((le[i].Step, le[i], re[j]));
                }

                i++;
                j++;
            }
        }
    }

    private static ImmutableArray<NodeEntry> Collect(ObjectDatabase db, NodeObject inner)
    {
        var all = new List<NodeEntry>((int)Math.Min(inner.Count, 1 << 20));
        CollectInto(new Writer(db, persist: true), inner, all, []);
        all.Sort(static (a, b) => string.CompareOrdinal(a.Step, b.Step));
        return [.. all];
    }

    private static void CollectInto(Writer writer, NodeObject node, List<NodeEntry> output, HashSet<Hash> visited)
    {
        if (!node.IsInner)
        {
            output.AddRange(node.Entries);
            return;
        }

        foreach (var child in node.Children)
        {
            Visit(visited, child);
            CollectInto(writer, writer.Read(child), output, visited);
        }
    }

    /// <summary>
    /// A canonical trie holds each node once (two buckets never hold the same entries), so a node
    /// met twice in one walk is damage, or a peer's attempt to make a walk multiply.
    /// </summary>
    private static void Visit(HashSet<Hash> visited, Hash node)
    {
        if (!visited.Add(node))
        {
            throw new CorruptDataException($"node {node}", 0, "a hash trie names this node twice");
        }
    }

    /// <summary>The step hash's digit for trie level <paramref name="depth"/>; a trie deeper than the hash has digits is damage.</summary>
    private static int Digit(Hash stepHash, int depth, Hash where) =>
        (depth + 1) * 5 <= stepHash.Length * 8
            ? stepHash.GetFiveBitDigit(depth)
            : throw new CorruptDataException($"node {where}", 0, $"a hash trie deeper than {stepHash.Length * 8 / 5} levels");

    private static (Hash? Hash, long Count) UpdateAt(Writer writer, Hash? node, int depth, Span<Routed> changes)
    {
        var obj = node is { } h ? writer.Read(h) : NodeObject.Empty;
        if (!obj.IsInner)
        {
            var entries = Apply(obj.Entries, changes);
            return Build(writer, entries, depth);
        }

        // Route each change to its bucket, then update only the buckets that change.
        _ = Digit(changes[0].StepHash, depth, node!.Value); // a trie too deep for its hashes is damage
        SortByDigit(changes, depth);
        var children = new Hash?[32];
        for (var bucket = 0; bucket < 32; bucket++)
        {
            children[bucket] = obj.TryGetChild(bucket, out var c) ? c : null;
        }

        var total = obj.Count;
        var start = 0;
        while (start < changes.Length)
        {
            var bucket = changes[start].StepHash.GetFiveBitDigit(depth);
            var end = start + 1;
            while (end < changes.Length && changes[end].StepHash.GetFiveBitDigit(depth) == bucket)
            {
                end++;
            }

            var old = children[bucket];
            var oldCount = old is { } oh ? writer.Read(oh).Count : 0;
            var (updated, newCount) = UpdateAt(writer, old, depth + 1, changes[start..end]);
            children[bucket] = newCount == 0 ? null : updated;
            total += newCount - oldCount;
            start = end;
        }

        if (total <= Threshold(writer.Db.Schema, depth))
        {
            // Small enough to be a flat node again: gather the few entries left.
            var gathered = new List<NodeEntry>((int)total);
            foreach (var child in children)
            {
                if (child is { } ch)
                {
                    CollectInto(writer, writer.Read(ch), gathered, []);
                }
            }

            gathered.Sort(static (a, b) => string.CompareOrdinal(a.Step, b.Step));
            return Build(writer, [.. gathered], depth);
        }

        return (WriteInner(writer, total, children), total);
    }

    private static void SortByDigit(Span<Routed> changes, int depth) =>
        changes.Sort((a, b) => a.StepHash.GetFiveBitDigit(depth).CompareTo(b.StepHash.GetFiveBitDigit(depth)));

    private static ImmutableArray<NodeEntry> Apply(ImmutableArray<NodeEntry> entries, Span<Routed> changes)
    {
        changes.Sort(static (a, b) => string.CompareOrdinal(a.Change.Step, b.Change.Step));
        var result = ImmutableArray.CreateBuilder<NodeEntry>(entries.Length + changes.Length);
        int i = 0, j = 0;
        while (i < entries.Length || j < changes.Length)
        {
            var c = i == entries.Length ? 1 : j == changes.Length ? -1 : string.CompareOrdinal(entries[i].Step, changes[j].Change.Step);
            if (c < 0)
            {
                result.Add(entries[i++]);
                continue;
            }

            if (changes[j].Change.Entry is { } added)
            {
                result.Add(added);
            }

            j++;
            if (c == 0)
            {
                i++;
            }
        }

        return result.ToImmutable();
    }

    private static (Hash? Hash, long Count) Build(Writer writer, ImmutableArray<NodeEntry> entries, int depth)
    {
        if (entries.Length == 0)
        {
            return (null, 0);
        }

        var schema = writer.Db.Schema;
        if (!schema.UsesHashTrie || entries.Length <= Threshold(schema, depth) || depth >= schema.HashSize * 8 / 5)
        {
            return (Write(writer, NodeObject.Flat(entries)), entries.Length);
        }

        var buckets = new List<NodeEntry>?[32];
        foreach (var entry in entries)
        {
            var digit = schema.HashStep(entry.Step).GetFiveBitDigit(depth);
            (buckets[digit] ??= []).Add(entry);
        }

        var children = new Hash?[32];
        for (var bucket = 0; bucket < 32; bucket++)
        {
            if (buckets[bucket] is { } list)
            {
                children[bucket] = Build(writer, [.. list], depth + 1).Hash;
            }
        }

        return (WriteInner(writer, entries.Length, children), entries.Length);
    }

    private static Hash WriteInner(Writer writer, long count, Hash?[] children)
    {
        uint bitmap = 0;
        var list = ImmutableArray.CreateBuilder<Hash>(32);
        for (var bucket = 0; bucket < 32; bucket++)
        {
            if (children[bucket] is { } child)
            {
                bitmap |= 1u << bucket;
                list.Add(child);
            }
        }

        return Write(writer, NodeObject.Inner(count, bitmap, list.ToImmutable()));
    }

    private static Hash Write(Writer writer, NodeObject node)
    {
        var hash = writer.Db.WriteNode(node, writer.Persist);
        writer.Fresh?.TryAdd(hash, node);
        return hash;
    }

    private static int Threshold(Schema schema, int depth) => depth == 0 ? schema.MaxFlatEntries : schema.MaxLeafEntries;

    private readonly record struct Routed(NodeChange Change, Hash StepHash);

    /// <summary>
    /// One update's view of the objects: when only hashing, nodes made by this update are not in
    /// the store, so they are kept here to be read back.
    /// </summary>
    private sealed class Writer(ObjectDatabase db, bool persist)
    {
        public ObjectDatabase Db { get; } = db;

        public bool Persist { get; } = persist;

        public Dictionary<Hash, NodeObject>? Fresh { get; } = persist ? null : [];

        public NodeObject Read(Hash hash) =>
            Fresh is not null && Fresh.TryGetValue(hash, out var node) ? node : Db.ReadNode(hash);
    }
}
