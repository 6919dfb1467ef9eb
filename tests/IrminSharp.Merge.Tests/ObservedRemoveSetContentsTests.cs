using FsCheck.Xunit;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class ObservedRemoveSetContentsTests
{
    private static readonly ObservedRemoveSetContents<string> Sets = new(StringContents.Instance);
    private static readonly string[] Replicas = ["r1", "r2", "r3"];

    private static ObservedRemoveSet<string> Empty => Sets.Empty;

    private enum Edit
    {
        Add,
        Remove,
        RemoveThenAdd,
    }

    // An edit from a code of OrSetEditScripts: add, remove, or remove and add again one of three elements.
    private static (Edit Edit, string Item) Op(int code) => ((Edit)(code / 3 % 3), "e" + (code % 3));

    private static ObservedRemoveSet<string> Apply(ObservedRemoveSet<string> set, (Edit Edit, string Item) op, string replica) => op.Edit switch
    {
        Edit.Add => set.Add(op.Item, replica),
        Edit.Remove => set.Remove(op.Item),
        _ => set.Remove(op.Item).Add(op.Item, replica),
    };

    /// <summary>One replica's edits, in order.</summary>
    private static ObservedRemoveSet<string> Apply(ObservedRemoveSet<string> set, int[] ops, string replica) =>
        ops.Aggregate(set, (s, code) => Apply(s, Op(code), replica));

    /// <summary>Edits in one linear history, each made by one of the three replicas.</summary>
    private static ObservedRemoveSet<string> Build(ObservedRemoveSet<string> set, int[] ops) =>
        ops.Aggregate(set, (s, code) => Apply(s, Op(code), Replicas[code / 9 % 3]));

    private static Option<ObservedRemoveSet<string>> Some(ObservedRemoveSet<string> set) => Option<ObservedRemoveSet<string>>.Some(set);

    private static Option<ObservedRemoveSet<string>> Maybe(bool absent, int[] ops) => absent ? Option<ObservedRemoveSet<string>>.None : Some(Build(Empty, ops));

    private static ObservedRemoveSet<string> Merged(ObservedRemoveSet<string> ancestor, ObservedRemoveSet<string> ours, ObservedRemoveSet<string> theirs) =>
        Codec.Merge3(Sets, ancestor, ours, theirs).Value.Value;

    [Fact]
    public void OrSet_AddAndRemove_TagEachAddWithAFreshDot()
    {
        var set = Empty.Add("a", "r1").Add("b", "r1").Add("a", "r2");
        Assert.Equal(["a", "b"], set.Elements);
        Assert.Equal(2, set.Count);
        Assert.Equal([("r2", 1L)], set.DotsOf("a")); // the add replaced the add it had seen
        Assert.Equal([("r1", 2L)], set.DotsOf("b"));
        Assert.Equal(new Dictionary<string, long> { ["r1"] = 2, ["r2"] = 1 }, set.VersionVector);

        var removed = set.Remove("a");
        Assert.False(removed.Contains("a"));
        Assert.Empty(removed.DotsOf("a"));
        Assert.Equal(set.VersionVector, removed.VersionVector);
        Assert.Same(removed, removed.Remove("a"));
    }

    [Fact]
    public void OrSet_ReAddAfterRemove_NeverReusesASequenceNumber()
    {
        var set = Empty.Add("a", "r1").Remove("a").Add("a", "r1");
        Assert.Equal([("r1", 2L)], set.DotsOf("a"));
        Assert.Equal(2, set.VersionVector["r1"]);
    }

    [Fact]
    public void OrSet_Elements_AreIdentifiedByTheirEncoding()
    {
        var bytes = new ObservedRemoveSetContents<byte[]>(BytesContents.Instance);
        var set = bytes.Empty.Add([1, 2], "r1").Add([1, 2], "r1");
        Assert.True(set.Contains([1, 2]));
        Assert.Equal(1, set.Count);
        Assert.False(set.Remove([1, 2]).Contains([1, 2]));
        Assert.Equal(bytes.Empty.Add([1, 2], "r1"), bytes.Empty.Add([1, 2], "r1"));
    }

    [Fact]
    public void OrSet_Equality_GoesByContents()
    {
        Assert.Equal(Empty.Add("a", "r1"), Empty.Add("a", "r1"));
        Assert.Equal(Empty.Add("a", "r1").GetHashCode(), Empty.Add("a", "r1").GetHashCode());
        Assert.True(Empty.Add("a", "r1") == Empty.Add("a", "r1"));

        // Same elements, different dots or vectors: different values.
        Assert.NotEqual(Empty.Add("a", "r1"), Empty.Add("a", "r2"));
        Assert.NotEqual(Empty.Add("a", "r1"), Empty.Add("b", "r1").Remove("b").Add("a", "r1"));
        Assert.NotEqual(Empty, Empty.Add("a", "r1").Remove("a"));
    }

    [Fact]
    public void OrSet_ReplicaWithAnUnpairedSurrogate_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Empty.Add("a", "r\ud800"));
        Assert.Throws<ArgumentNullException>(() => Empty.Add("a", null!));
        Assert.True(Empty.Add("a", "r😀").Contains("a"));
    }

    [Fact]
    public void OrSet_ConcurrentAdd_WinsOverRemove()
    {
        var o = Empty.Add("e", "r1");
        var removed = o.Remove("e");
        var added = o.Add("e", "r2");

        foreach (var merged in new[] { Merged(o, removed, added), Merged(o, added, removed) })
        {
            Assert.True(merged.Contains("e"));
            Assert.Equal([("r2", 1L)], merged.DotsOf("e")); // the observed add is gone, the new one stays
        }
    }

    [Fact]
    public void OrSet_ReAddAfterRemoveOnOneReplica_WinsOverARemoveElsewhere()
    {
        // Reusing (r1, 1) for the re-add would make r1's side look unchanged, and the remove would win.
        var o = Empty.Add("e", "r1");
        var readded = o.Remove("e").Add("e", "r1");
        var removed = o.Remove("e");
        Assert.True(Merged(o, readded, removed).Contains("e"));
        Assert.True(Merged(o, removed, readded).Contains("e"));
    }

    [Fact]
    public void OrSet_RemoveOnOneSide_StandsAgainstOtherEditsOnTheOther()
    {
        var o = Empty.Add("e", "r1").Add("f", "r1");
        var removed = o.Remove("e");
        var other = o.Add("g", "r2");
        var merged = Merged(o, removed, other);
        Assert.Equal(["f", "g"], merged.Elements);
        Assert.Equal(new Dictionary<string, long> { ["r1"] = 2, ["r2"] = 1 }, merged.VersionVector);
    }

    [Fact]
    public void OrSet_ConcurrentAddsOfOneElement_KeepBothDots_AndConcurrentRemovesRemove()
    {
        var o = Empty.Add("e", "r1");
        var both = Merged(o, o.Add("f", "r1"), o.Add("f", "r2"));
        Assert.Equal([("r1", 2L), ("r2", 1L)], both.DotsOf("f"));

        Assert.False(Merged(o, o.Remove("e"), o.Remove("e").Add("x", "r2")).Contains("e"));
    }

    [Fact]
    public void OrSet_RemovedWholeAgainstAdditions_KeepsOnlyTheAdditions()
    {
        var o = Empty.Add("a", "r1").Add("b", "r1");
        var r = Codec.Merge(Sets, Some(o), Option<ObservedRemoveSet<string>>.None, Some(o.Add("new", "r2").Remove("a")));
        Assert.Equal(["new"], r.Value.Value.Elements);

        // Against a side that left it alone, the removal of the whole set wins.
        Assert.False(Codec.Merge(Sets, Some(o), Option<ObservedRemoveSet<string>>.None, Some(o)).Value.HasValue);
    }

    [Property(Arbitrary = [typeof(OrSetEditScripts)])]
    public bool OrSet_UnchangedSideLaws_OnOneHistory(bool absent, int[] o, int[] x)
    {
        var origin = Maybe(absent, o);
        var changed = Some(Build(origin.GetValueOrDefault(Empty), x));
        return Codec.UnchangedSideLaws(Sets, origin, changed);
    }

    [Property(Arbitrary = [typeof(OrSetEditScripts)])]
    public bool OrSet_UnchangedSideLaws_OnUnrelatedValues(bool absentO, int[] o, bool absentX, int[] x) =>
        Codec.UnchangedSideLaws(Sets, Maybe(absentO, o), Maybe(absentX, x));

    [Property(Arbitrary = [typeof(OrSetEditScripts)])]
    public bool OrSet_EqualSides_MergeToThemselves(bool absentO, int[] o, bool absentX, int[] x, int[] more)
    {
        var origin = Maybe(absentO, o);
        var unrelated = Maybe(absentX, x);
        var descendant = Some(Build(origin.GetValueOrDefault(Empty), more));
        return Codec.Yields(Codec.Merge(Sets, origin, unrelated, unrelated), unrelated)
            && Codec.Yields(Codec.Merge(Sets, origin, descendant, descendant), descendant);
    }

    [Property(Arbitrary = [typeof(OrSetEditScripts)])]
    public bool OrSet_Commutes(bool absentO, int[] o, int[] a, int[] b, bool absentX, int[] x, bool absentY, int[] y)
    {
        var origin = Maybe(absentO, o);
        var start = origin.GetValueOrDefault(Empty);
        return Codec.Commutes(Sets, origin, Some(Apply(start, a, "r1")), Some(Apply(start, b, "r2")))
            && Codec.Commutes(Sets, origin, Some(Build(start, a)), Some(Build(start, b)))
            && Codec.Commutes(Sets, origin, Maybe(absentX, x), Maybe(absentY, y));
    }

    /// <summary>
    /// Three replicas edit a common value concurrently, then are merged pairwise in every order
    /// (the ancestor of each merge being that common value); then they do it again from the merged
    /// value. Every order gives the same set, whose elements are those some replica added last or
    /// that the common value had and no replica removed last, with the pointwise maximum vector.
    /// </summary>
    [Property(Arbitrary = [typeof(OrSetEditScripts)], MaxTest = 300)]
    public bool OrSet_ThreeReplicas_MergeAlikeInEveryOrder_AndAddsWin(int[] start, int[] a1, int[] b1, int[] c1, int[] a2, int[] b2, int[] c2)
    {
        var round1 = Round(Build(Empty, start), [a1, b1, c1]);
        return round1 is not null && Round(round1, [a2, b2, c2]) is not null;
    }

    private static ObservedRemoveSet<string>? Round(ObservedRemoveSet<string> common, int[][] edits)
    {
        var replicas = edits.Select((ops, i) => Apply(common, ops, Replicas[i])).ToArray();
        int[][] orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        var results = orders.Select(order =>
            Merged(common, Merged(common, replicas[order[0]], replicas[order[1]]), replicas[order[2]])).ToArray();
        var first = results[0];
        if (results.Any(r => !r.Equals(first)) || !Codec.RoundTrips(Sets, first))
        {
            return null;
        }

        foreach (var item in Enumerable.Range(0, 3).Select(i => "e" + i))
        {
            var last = edits.Select(ops => ops.Select(Op).Where(op => op.Item == item).Select(op => (bool?)(op.Edit != Edit.Remove)).LastOrDefault()).ToArray();
            var expected = last.Any(isAdd => isAdd == true) || (common.Contains(item) && !last.Any(isAdd => isAdd == false));
            if (first.Contains(item) != expected)
            {
                return null;
            }
        }

        var replicaIds = replicas.SelectMany(r => r.VersionVector.Keys).Distinct();
        var vectorIsMax = replicaIds.All(id => first.VersionVector[id] == replicas.Max(r => r.VersionVector.GetValueOrDefault(id)))
            && first.VersionVector.Count == replicaIds.Count();
        return vectorIsMax ? first : null;
    }

    [Property]
    public bool OrSet_RoundTripsCanonically(string[] items, string[] replicas, int[] ops)
    {
        var names = (items ?? []).Where(s => s is not null && !s.Any(char.IsSurrogate)).DefaultIfEmpty("x").ToArray();
        var ids = (replicas ?? []).Where(s => s is not null && !s.Any(char.IsSurrogate)).DefaultIfEmpty("r").ToArray();
        var set = Empty;
        foreach (var code in ops ?? [])
        {
            var v = code & 0x7fffffff;
            var item = names[v % names.Length];
            set = v / names.Length % 3 == 2 ? set.Remove(item) : set.Add(item, ids[v % ids.Length]);
        }

        return Codec.RoundTrips(Sets, set);
    }

    [Fact]
    public void OrSet_Encoding_IsVersionsThenElementsWithDots()
    {
        Assert.Equal(new byte[] { 0x92, 0x80, 0x90 }, Codec.Encode(Sets, Empty));
        Assert.Equal(
            new byte[] { 0x92, 0x82, 0xa1, (byte)'q', 0x01, 0xa1, (byte)'r', 0x02, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'q', 0x01 },
            Codec.Encode(Sets, Empty.Add("b", "r").Remove("b").Add("a", "r").Add("a", "q")));
    }

    [Theory]
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x02 })] // dot past the vector
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'s', 0x01 })] // dot of a replica not in the vector
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x90 })] // element without dots
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x02, 0x92, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x01, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x02 })] // duplicate element
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x02, 0x92, 0x92, 0xc4, 0x01, (byte)'b', 0x91, 0x92, 0xa1, (byte)'r', 0x01, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x02 })] // unsorted elements
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x02, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x92, 0x92, 0xa1, (byte)'r', 0x02, 0x92, 0xa1, (byte)'r', 0x01 })] // unsorted dots
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x02, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x92, 0x92, 0xa1, (byte)'r', 0x01, 0x92, 0xa1, (byte)'r', 0x01 })] // duplicate dot
    [InlineData(new byte[] { 0x92, 0x82, 0xa1, (byte)'s', 0x01, 0xa1, (byte)'r', 0x01, 0x90 })] // unsorted vector
    [InlineData(new byte[] { 0x92, 0x82, 0xa1, (byte)'r', 0x01, 0xa1, (byte)'r', 0x02, 0x90 })] // duplicate replica in the vector
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x00, 0x90 })] // zero in the vector
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0xff, 0x90 })] // negative in the vector
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x00 })] // zero dot
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0xd3, 0, 0, 0, 0, 0, 0, 0, 1, 0x90 })] // long form of 1
    [InlineData(new byte[] { 0x92, 0xde, 0x00, 0x00, 0x90 })] // map16 header for an empty vector
    [InlineData(new byte[] { 0x92, 0x80, 0x90, 0x00 })] // trailing byte
    [InlineData(new byte[] { 0x92, 0x90, 0x90 })] // vector as an array
    [InlineData(new byte[] { 0x92, 0x80, 0x80 })] // elements as a map
    [InlineData(new byte[] { 0x93, 0x80, 0x90, 0x90 })] // three fields
    [InlineData(new byte[] { 0x91, 0x80 })] // one field
    [InlineData(new byte[] { 0x90 })] // empty array
    [InlineData(new byte[] { 0xc0 })] // nil
    [InlineData(new byte[] { })] // nothing
    [InlineData(new byte[] { 0x92, 0x81, 0x01, 0x01, 0x90 })] // int replica id
    [InlineData(new byte[] { 0x92, 0x81, 0xc0, 0x01, 0x90 })] // nil replica id
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0xa1, (byte)'x', 0x90 })] // str sequence number
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xa1, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x01 })] // element as str, not bin
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, 0xff, 0x91, 0x92, 0xa1, (byte)'r', 0x01 })] // invalid element
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x93, 0xc4, 0x01, (byte)'a', 0x91, 0x92, 0xa1, (byte)'r', 0x01, 0x00 })] // element entry of three fields
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x93, 0xa1, (byte)'r', 0x01, 0x00 })] // dot of three fields
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, (byte)'a', 0x91, 0x81, 0xa1, (byte)'r', 0x01 })] // dot as a map
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, 0xff, 0x01, 0x90 })] // replica id not UTF-8
    [InlineData(new byte[] { 0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x9f })] // more elements than bytes
    public void OrSet_NonCanonicalOrInvalid_IsRejected(byte[] bytes) => Assert.False(Sets.TryDecode(bytes, out _));

    [Fact]
    public void OrSet_NonCanonicalElementEncoding_IsRejected()
    {
        // An element codec that accepts several encodings of one value: the set takes only the canonical one.
        var lenient = new ObservedRemoveSetContents<long>(new LenientCounter());
        Assert.True(lenient.TryDecode([0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x01, 0x05, 0x91, 0x92, 0xa1, (byte)'r', 0x01], out var five));
        Assert.Equal([5L], five.Elements);
        Assert.False(lenient.TryDecode([0x92, 0x81, 0xa1, (byte)'r', 0x01, 0x91, 0x92, 0xc4, 0x02, 0x05, 0x00, 0x91, 0x92, 0xa1, (byte)'r', 0x01], out _));
    }

    [Property(Arbitrary = [typeof(OrSetEditScripts)], MaxTest = 1000)]
    public bool OrSet_DamagedEncoding_IsRejectedOrCanonical(int[] ops, int how, int where, byte b) =>
        Codec.RejectsOrReproduces(Sets, Codec.Damage(Codec.Encode(Sets, Build(Empty, ops)), how, where, b));

    [Property(MaxTest = 1000)]
    public bool OrSet_RandomBytes_AreRejectedOrCanonical(byte[] bytes, byte[] tail) =>
        Codec.RejectsOrReproduces(Sets, bytes ?? []) && Codec.RejectsOrReproduces(Sets, [0x92, .. tail ?? []]);

    [Fact]
    public void OrSet_NameAndFormat()
    {
        Assert.Equal("orset-string", Sets.Name);
        Assert.Equal("{}", Sets.Format(Empty));
        Assert.Equal("{a, b}", Sets.Format(Empty.Add("b", "r").Add("a", "r")));
        var many = Enumerable.Range(0, 10).Aggregate(Empty, (s, i) => s.Add("e" + i, "r"));
        Assert.Equal("{e0, e1, e2, e3, e4, e5, e6, e7, …}", Sets.Format(many));
    }

    /// <summary>Decodes a counter from its first byte and ignores the rest; encodes one byte.</summary>
    private sealed class LenientCounter : IContentType<long>
    {
        public string Name => "lenient";

        public MergeFunction<Option<long>> Merge { get; } = Merges.Option(Merges.Counter());

        public void Encode(long value, System.Buffers.IBufferWriter<byte> writer)
        {
            writer.GetSpan(1)[0] = (byte)value;
            writer.Advance(1);
        }

        public bool TryDecode(ReadOnlySpan<byte> bytes, out long value)
        {
            value = bytes.IsEmpty ? 0 : bytes[0];
            return !bytes.IsEmpty;
        }

        public string Format(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
