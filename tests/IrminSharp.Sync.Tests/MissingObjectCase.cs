using System.Buffers;
using System.Collections.Immutable;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A source repository holding a base history, an honest commit on top of it (main), and one
/// hostile commit (also on top of it) whose graph names an object a hostile peer leaves out of
/// the objects it sends: a content child, a node child, an inner node of a hash trie, a parent
/// commit, or the root tree. Whatever else the hostile graph names is sent, in order. The
/// receiver, holding the base, must refuse the transfer naming <see cref="Missing"/>.
/// </summary>
public sealed class MissingObjectCase : IDisposable
{
    private MissingObjectCase(string name)
    {
        Name = name;
        SampleHistory.Grow(Source, 0, 2, 10);
        Base = Source.Main.HeadHash!.Value;
        Source.CreateBranch("evil", Base);
        (Hostile, Missing) = name switch
        {
            "content child" => ContentChild(),
            "node child" => NodeChild(),
            "trie inner node" => TrieInnerNode(),
            "parent commit" => ParentCommit(),
            "root tree" => RootTree(),
            _ => throw new ArgumentException($"no case {name}", nameof(name)),
        };
        Honest = Source.Main.Set(StorePath.Parse("honest/leaf"), 424_242L).Hash;
        Assert.True(Source.IsAncestor(Base, Honest));
    }

    /// <summary>Every case's name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["content child", "node child", "trie inner node", "parent commit", "root tree"];

    public string Name { get; }

    /// <summary>The hostile peer's repository: it holds every object, and leaves <see cref="Missing"/> out on the wire.</summary>
    public Repository<long> Source { get; } = SyncFixture.CounterRepository();

    /// <summary>The commit both sides hold before the transfer.</summary>
    public Hash Base { get; }

    /// <summary>The commit the hostile peer sends, without <see cref="Missing"/>.</summary>
    public Hash Hostile { get; }

    /// <summary>The object the hostile commit's graph names and the hostile peer never sends.</summary>
    public Hash Missing { get; }

    /// <summary>An honest commit on top of <see cref="Base"/>: the source's main.</summary>
    public Hash Honest { get; }

    /// <summary>What the receiver's error must say.</summary>
    public string Says => $"names {Missing}, which was neither sent before it nor stored";

    /// <summary>Everything behind <see cref="Hostile"/> but <see cref="Missing"/>, each object after those it names.</summary>
    public List<Hash> HostileObjects
    {
        get
        {
            var objects = MissingObjects.Compute(Source.Objects, [Hostile], []);
            Assert.Contains(Hostile, objects);
            Assert.True(objects.Remove(Missing), $"{Name}: the hostile graph does not reach the object left out");
            return objects;
        }
    }

    /// <summary>Everything behind <see cref="Honest"/>, each object after those it names.</summary>
    public List<Hash> HonestObjects => MissingObjects.Compute(Source.Objects, [Honest], []);

    /// <summary>How many objects an incremental transfer of <see cref="Honest"/> to a holder of <see cref="Base"/> sends.</summary>
    public int HonestIncrement => MissingObjects.Compute(Source.Objects, [Honest], [Base]).Count;

    public static MissingObjectCase Build(string name) => new(name);

    /// <summary>Copies the base history into <paramref name="target"/>, each object after those it names, and points its main there.</summary>
    public void SeedBase(Repository<long> target)
    {
        foreach (var hash in MissingObjects.Compute(Source.Objects, [Base], []))
        {
            target.Objects.Store.Add(hash, Source.Objects.ReadRaw(hash).Span);
        }

        target.Objects.Store.Flush();
        Assert.True(target.Refs.CompareAndSwap("heads/main", null, Base, out _));
    }

    public void Dispose() => Source.Dispose();

    private Hash EntryAt(Hash commit, string path)
    {
        Assert.True(Source.Objects.TryFindEntry(Source.GetCommit(commit).Root, StorePath.Parse(path), out var entry), $"no {path}");
        return entry.Hash;
    }

    /// <summary>A new value in a new directory; the value is left out.</summary>
    private (Hash, Hash) ContentChild()
    {
        var commit = Source.Branch("evil").Set(StorePath.Parse("fresh/leaf"), 777_777L).Hash;
        return (commit, EntryAt(commit, "fresh/leaf"));
    }

    /// <summary>A new directory inside a new directory; the inner directory's node is left out.</summary>
    private (Hash, Hash) NodeChild()
    {
        var commit = Source.Branch("evil").Set(StorePath.Parse("fresh/sub/leaf"), 777_778L).Hash;
        return (commit, EntryAt(commit, "fresh/sub"));
    }

    /// <summary>
    /// A directory of 2,000 entries, a hash trie whose buckets are inner nodes themselves; one of
    /// those is left out, and the trie's top claims only the entries of the children sent (so a
    /// receiver that skipped missing children would find the count right).
    /// </summary>
    private (Hash, Hash) TrieInnerNode()
    {
        var evil = Source.Branch("evil");
        var honest = evil.Transact(tx =>
        {
            for (var i = 0; i < 2000; i++)
            {
                tx.Set(StorePath.Parse($"big/k{i}"), 7L);
            }
        })!;
        var db = Source.Objects;
        var big = db.ReadNode(EntryAt(honest.Hash, "big"));
        Assert.True(big.IsInner, "2,000 entries should make a hash trie");
        var inner = big.Children.First(c => db.Schema.KindOf(db.ReadRaw(c).Span, c) == ObjectKind.Inode);
        var left = db.WriteNode(NodeObject.Inner(big.Count - db.ReadNode(inner).Count, big.Bitmap, big.Children));
        var root = db.ReadNode(honest.Root);
        var entries = root.Entries.Select(e => e.Step == "big" ? e with { Hash = left } : e).ToImmutableArray();
        var commit = db.WriteCommit(db.WriteNode(NodeObject.Flat(entries)), [Base], Source.Info("trie"));
        return (commit.Hash, inner);
    }

    /// <summary>
    /// A commit naming a new parent that is left out. It claims height 1, what a receiver that
    /// skipped missing parents would compute, so only the parent check refuses it.
    /// </summary>
    private (Hash, Hash) ParentCommit()
    {
        var parent = Source.Branch("evil").Set(StorePath.Parse("fresh/leaf"), 777_779L);
        var schema = Source.Objects.Schema;
        var bytes = new ArrayBufferWriter<byte>();
        schema.EncodeCommit(parent.Root, [parent.Hash], Source.Info("orphan"), 1, bytes);
        var hash = schema.ComputeHash(bytes.WrittenSpan);
        Source.Objects.Store.Add(hash, bytes.WrittenSpan);
        return (hash, parent.Hash);
    }

    /// <summary>A commit whose new root node is left out.</summary>
    private (Hash, Hash) RootTree()
    {
        var commit = Source.Branch("evil").Set(StorePath.Parse("fresh/leaf"), 777_780L);
        return (commit.Hash, commit.Root);
    }
}
