using System.Buffers.Binary;
using System.IO.Hashing;
using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Segmented index checkpoints: the streaming encoder, the directory, and the index that reads
/// both a single segment (the original format) and a directory of segments, written as kind-3
/// records into a ring log on a memory device.
/// </summary>
public sealed class CheckpointTests
{
    private const string Where = "test log";
    private const int SegmentEntries = 100;

    private static readonly string GoldenSingle = Path.Combine(AppContext.BaseDirectory, "TestData", "pack", "checkpoint-segment-300.bin");

    /// <summary>
    /// A log image (two superblock sectors, left zero, then the ring) holding the golden entries as
    /// three 100-entry segments at 0, 5,632 and 11,264 and their directory at 16,896 (212 bytes).
    /// </summary>
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "TestData", "pack", "checkpoint-directory-300.bin");

    [Fact]
    public void Encoder_IndexThatFitsOneSegment_WritesTheGoldenSingleSegmentBytes()
    {
        var golden = File.ReadAllBytes(GoldenSingle);

        var payloads = new CheckpointEncoder().EncodeSegments(GoldenEntries()).ToList();

        Assert.Single(payloads);
        Assert.Equal(golden, payloads[0].Payload);
        Assert.Equal(golden, Checkpoint.Encode(GoldenEntries()));
    }

    [Fact]
    public void Open_GoldenSingleSegmentRecord_FindsEveryEntry()
    {
        var log = new TestLog();
        var root = log.Append(File.ReadAllBytes(GoldenSingle));
        var entries = GoldenEntries();

        var index = log.Open(root);
        var legacy = Checkpoint.Open(log.Ring, root.Offset + RecordHeader.Size, root.Length - RecordHeader.Size, Where);

        Assert.False(index.IsSegmented);
        Assert.Equal(300, index.Count);
        Assert.Equal(300, legacy.Count);
        foreach (var (hash, location) in entries)
        {
            Assert.True(index.TryFind(hash, out var found));
            Assert.Equal(location, found);
            Assert.True(legacy.TryFind(hash, out found));
            Assert.Equal(location, found);
        }

        Assert.Equal(entries, index.Enumerate().ToList());
        Assert.False(index.TryFind(Hash.ComputeBlake3("absent"u8), out _));
    }

    [Fact]
    public void Encoder_SegmentedIndex_WritesTheGoldenDirectoryImage()
    {
        var log = new TestLog();
        var (root, segments) = log.WriteIndex(GoldenEntries(), SegmentEntries);
        var image = log.Image();
        if (Environment.GetEnvironmentVariable("IRMIN_WRITE_GOLDEN") == "1")
        {
            File.WriteAllBytes(Path.Combine(FindRepositoryRoot(), "tests", "TestData", "pack", Path.GetFileName(GoldenDirectory)), image);
        }

        Assert.Equal([0L, 5_632L, 11_264L], segments.Select(s => s.Location.Offset));
        Assert.Equal(new Location(16_896, 212), root);
        Assert.Equal(File.ReadAllBytes(GoldenDirectory), image);
    }

    [Fact]
    public void Open_GoldenDirectoryImage_FindsEveryEntry()
    {
        var image = File.ReadAllBytes(GoldenDirectory);
        var ring = new RingLog(MemoryBlockDevice.FromImage(image, 512, readOnly: true), Where);
        var entries = GoldenEntries();

        var index = CheckpointIndex.Open(ring, 16_896, 212, 0, image.Length - 1024, Where);

        Assert.True(index.IsSegmented);
        Assert.Equal(3, index.SegmentCount);
        Assert.Equal(300, index.Count);
        foreach (var (hash, location) in entries)
        {
            Assert.True(index.TryFind(hash, out var found));
            Assert.Equal(location, found);
        }

        Assert.Equal(entries, index.Enumerate().ToList());
    }

    [Fact]
    public void Encoder_ExactlyOneFullSegment_WritesASingleSegment()
    {
        var payloads = new CheckpointEncoder(SegmentEntries).EncodeSegments(Entries(SegmentEntries)).ToList();

        Assert.Single(payloads);
        Assert.Equal(SegmentEntries, payloads[0].Count);
        Assert.True(payloads[0].Payload.AsSpan(0, 8).SequenceEqual(CheckpointSegment.Magic));
    }

    [Fact]
    public void Encoder_EmptyIndex_WritesOneEmptySegmentThatOpens()
    {
        var log = new TestLog();
        var payloads = new CheckpointEncoder(SegmentEntries).EncodeSegments([]).ToList();
        var root = log.Append(Assert.Single(payloads).Payload);

        var index = log.Open(root);

        Assert.Equal(0, index.Count);
        Assert.Empty(index.Enumerate());
        Assert.False(index.TryFind(Hash.ComputeBlake3("x"u8), out _));
    }

    [Fact]
    public void RoundTrip_ManySegments_FindsEveryEntryAndEnumeratesInHashOrder()
    {
        var entries = Entries(1050);
        var log = new TestLog();

        var (root, segments) = log.WriteIndex(entries, SegmentEntries);
        var index = log.Open(root);

        Assert.Equal(11, segments.Count);
        Assert.True(index.IsSegmented);
        Assert.Equal(11, index.SegmentCount);
        Assert.Equal(1050, index.Count);
        foreach (var (hash, location) in entries)
        {
            Assert.True(index.TryFind(hash, out var found), $"{hash} not found");
            Assert.Equal(location, found);
        }

        var enumerated = index.Enumerate().ToList();
        Assert.Equal(entries, enumerated);
        for (var i = 1; i < enumerated.Count; i++)
        {
            Assert.True(enumerated[i - 1].Hash.CompareTo(enumerated[i].Hash) < 0);
        }
    }

    [Fact]
    public void TryFind_AtSegmentBoundaries_FindsEdgesAndMissesNeighbours()
    {
        // Hashes 10 apart, so the hash just before and just after each entry is absent.
        var entries = Enumerable.Range(1, 1000).Select(i => (Numbered(i * 10L), new Location(i * 64L, 50))).ToList();
        var log = new TestLog();
        var (root, segments) = log.WriteIndex(entries, SegmentEntries);
        var index = log.Open(root);

        Assert.Equal(10, segments.Count);
        for (var s = 0; s < segments.Count; s++)
        {
            var first = entries[s * SegmentEntries];
            var last = entries[(s * SegmentEntries) + SegmentEntries - 1];
            Assert.Equal(first.Item1, segments[s].FirstHash);
            Assert.True(index.TryFind(first.Item1, out var found), $"first of segment {s}");
            Assert.Equal(first.Item2, found);
            Assert.True(index.TryFind(last.Item1, out found), $"last of segment {s}");
            Assert.Equal(last.Item2, found);
            Assert.False(index.TryFind(Plus(first.Item1, -1), out _), $"just below segment {s}");
            Assert.False(index.TryFind(Plus(first.Item1, 1), out _), $"just above the first of segment {s}");
            Assert.False(index.TryFind(Plus(last.Item1, 1), out _), $"just above segment {s}");
        }

        Assert.False(index.TryFind(Numbered(0), out _));
        Assert.False(index.TryFind(Hash.FromBytes(Enumerable.Repeat((byte)0xff, 32).ToArray()), out _));
    }

    [Fact]
    public void Open_Directory_ReadsASegmentOnlyWhenALookupNeedsIt()
    {
        var entries = Entries(500);
        var log = new TestLog();
        var (root, segments) = log.WriteIndex(entries, SegmentEntries);

        // Wreck segment 3's header: opening must not notice, a lookup in segment 0 must not either.
        log.Flip(segments[3].Location.Offset + RecordHeader.Size + 20);
        var index = log.Open(root);

        Assert.True(index.TryFind(entries[0].Hash, out _));
        var e = Assert.Throws<CorruptDataException>(() => index.TryFind(entries[3 * SegmentEntries].Hash, out _));
        Assert.Equal(segments[3].Location.Offset, e.Offset);
        Assert.Throws<CorruptDataException>(() => index.Enumerate().ToList());
    }

    [Fact]
    public void Open_DirectoryRecordByteFlipped_ThrowsCorruptDataNamingIt()
    {
        var log = new TestLog();
        var (root, _) = log.WriteIndex(Entries(500), SegmentEntries);
        log.Flip(root.Offset + RecordHeader.Size + CheckpointDirectory.HeaderSize + 40);

        var e = Assert.Throws<CorruptDataException>(() => log.Open(root));

        Assert.Equal(root.Offset, e.Offset);
    }

    [Theory]
    [InlineData("segment count huge")]
    [InlineData("segment count zero")]
    [InlineData("total differs")]
    [InlineData("segment after directory")]
    [InlineData("segment before log start")]
    [InlineData("segments overlap")]
    [InlineData("first hashes out of order")]
    [InlineData("segment count impossible for its length")]
    [InlineData("record length too small")]
    [InlineData("bad inner crc")]
    public void Open_DirectoryWithGoodChecksumsButImpossibleFields_ThrowsCorruptData(string damage)
    {
        var log = new TestLog();
        var entries = Entries(500);
        var segments = log.WriteSegments(entries, SegmentEntries);
        var directory = CheckpointDirectory.Encode(segments);
        var table = CheckpointDirectory.HeaderSize;
        var resign = true;
        switch (damage)
        {
            case "segment count huge":
                BinaryPrimitives.WriteUInt32LittleEndian(directory.AsSpan(16), uint.MaxValue);
                break;
            case "segment count zero":
                BinaryPrimitives.WriteUInt32LittleEndian(directory.AsSpan(16), 0);
                break;
            case "total differs":
                BinaryPrimitives.WriteInt64LittleEndian(directory.AsSpan(8), 499);
                break;
            case "segment after directory":
                BinaryPrimitives.WriteInt64LittleEndian(directory.AsSpan(table + (4 * 48) + 32), 1L << 40);
                break;
            case "segment before log start":
                log.LogStart = segments[0].Location.Offset + 1;
                break;
            case "segments overlap":
                BinaryPrimitives.WriteInt64LittleEndian(directory.AsSpan(table + 48 + 32), segments[0].Location.Offset + 8);
                break;
            case "first hashes out of order":
                directory.AsSpan(table, 32).CopyTo(directory.AsSpan(table + 48, 32));
                break;
            case "segment count impossible for its length":
                BinaryPrimitives.WriteInt32LittleEndian(directory.AsSpan(table + 44), SegmentEntries + 1);
                break;
            case "record length too small":
                BinaryPrimitives.WriteInt32LittleEndian(directory.AsSpan(table + 40), RecordHeader.Size);
                break;
            case "bad inner crc":
                directory[20] ^= 1;
                resign = false;
                break;
        }

        if (resign)
        {
            Resign(directory);
        }

        var root = log.Append(directory);

        var e = Assert.Throws<CorruptDataException>(() => log.Open(root));
        Assert.Equal(root.Offset, e.Offset);
    }

    [Theory]
    [InlineData("first hash above the segment's first entry")]
    [InlineData("next first hash inside the segment")]
    public void TryFind_DirectoryRangeDisagreesWithSegment_ThrowsCorruptDataOnFirstUse(string damage)
    {
        var log = new TestLog();
        var entries = Entries(300);
        var segments = log.WriteSegments(entries, SegmentEntries);
        var listed = new List<CheckpointDirectoryEntry>(segments);
        if (damage == "first hash above the segment's first entry")
        {
            listed[1] = segments[1] with { FirstHash = Plus(segments[1].FirstHash, 1) };
        }
        else
        {
            listed[2] = segments[2] with { FirstHash = entries[(2 * SegmentEntries) - 1].Hash };
        }

        var index = log.Open(log.Append(Resign(RawDirectory(listed, 300))));

        Assert.True(index.TryFind(entries[0].Hash, out _));
        var e = Assert.Throws<CorruptDataException>(() => index.TryFind(entries[150].Hash, out _));
        Assert.Equal(segments[1].Location.Offset, e.Offset);
    }

    [Theory]
    [InlineData("ends short of the count")]
    [InlineData("decreases")]
    public void Open_SingleSegmentFanoutWithGoodCrcButWrongShape_ThrowsCorruptData(string damage)
    {
        var payload = new CheckpointEncoder().EncodeSegments(Entries(50)).Single().Payload;
        var buckets = 1 << CheckpointSegment.BitsFor(50);
        var fanout = payload.AsSpan(CheckpointSegment.HeaderSize, buckets * 4);
        if (damage == "ends short of the count")
        {
            // Still non-decreasing: every bucket that reached 50 now stops at 49.
            for (var b = 0; b < buckets; b++)
            {
                var at = fanout[(b * 4)..];
                BinaryPrimitives.WriteUInt32LittleEndian(at, Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(at), 49u));
            }
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(fanout, 1000);
        }

        ResignSegment(payload);
        var log = new TestLog();
        var root = log.Append(payload);

        var e = Assert.Throws<CorruptDataException>(() => log.Open(root));

        Assert.Equal(root.Offset, e.Offset);
    }

    [Fact]
    public void Enumerate_EntriesSwappedOnDisk_ThrowsCorruptData()
    {
        var entries = Entries(50);
        var payload = new CheckpointEncoder().EncodeSegments(entries).Single().Payload;
        var entriesStart = CheckpointSegment.HeaderSize + (4 << CheckpointSegment.BitsFor(50));
        var a = payload.AsSpan(entriesStart + (10 * 44), 44).ToArray();
        payload.AsSpan(entriesStart + (11 * 44), 44).CopyTo(payload.AsSpan(entriesStart + (10 * 44)));
        a.CopyTo(payload.AsSpan(entriesStart + (11 * 44)));
        var log = new TestLog();
        var root = log.Append(payload);
        var index = log.Open(root);

        var e = Assert.Throws<CorruptDataException>(() => index.Enumerate().ToList());

        Assert.Equal(root.Offset, e.Offset);
    }

    [Theory]
    [InlineData(long.MaxValue, 0L)]
    [InlineData(-1L, 0L)]
    [InlineData(RecordHeader.Size + 10L, 0L)]
    [InlineData(1L << 30, 0L)]
    [InlineData(0L, -512L)]
    [InlineData(0L, 1L << 40)]
    public void Open_RootLengthOrPositionImpossible_ThrowsCorruptData(long length, long position)
    {
        var log = new TestLog();
        var root = log.Append(new CheckpointEncoder().EncodeSegments(Entries(50)).Single().Payload);
        var rootLength = length == 0 ? root.Length : length;
        var rootPosition = position == 0 ? root.Offset : position;

        Assert.Throws<CorruptDataException>(() => CheckpointIndex.Open(log.Ring, rootPosition, rootLength, 0, log.End, Where));
    }

    [Fact]
    public void Open_RootRecordHeaderOfAnotherKind_ThrowsCorruptData()
    {
        var log = new TestLog();
        var root = log.Append(new CheckpointEncoder().EncodeSegments(Entries(50)).Single().Payload, RecordKind.Refs);

        var e = Assert.Throws<CorruptDataException>(() => log.Open(root));

        Assert.Equal(root.Offset, e.Offset);
    }

    [Fact]
    public void Encoder_NEntriesInSegmentsOfS_NeverHoldsMoreThanOneSegment()
    {
        const int N = 10_000;
        var encoder = new CheckpointEncoder(SegmentEntries);
        var pulled = 0;
        IEnumerable<(Hash Hash, Location Location)> Source()
        {
            foreach (var entry in Entries(N))
            {
                pulled++;
                yield return entry;
            }
        }

        var segments = 0;
        long total = 0;
        foreach (var segment in encoder.EncodeSegments(Source()))
        {
            // Each payload is built from at most one segment's worth of entries beyond those
            // already handed out, and the next entry that proved the segment full.
            Assert.True(pulled <= ((segments + 1) * SegmentEntries) + 1, $"segment {segments} was built after pulling {pulled} entries");
            Assert.True(segment.Payload.Length <= encoder.MaxSegmentPayload);
            Assert.True(segment.Count <= SegmentEntries);
            segments++;
            total += segment.Count;
        }

        Assert.Equal(N / SegmentEntries, segments);
        Assert.Equal(N, total);
        Assert.Equal(CheckpointSegment.PayloadLength(SegmentEntries), encoder.MaxSegmentPayload);
    }

    [Fact]
    public void Cap_SixAndAHalfMillionEntries_OneRecordExceedsMaxPayloadButSegmentsFit()
    {
        // The old single record: 24 + 4 × 2^16 + 44 × 6,500,000 = 286,262,168 bytes > 256 MiB.
        Assert.Equal(286_262_168, CheckpointSegment.PayloadLength(6_500_000));
        Assert.True(CheckpointSegment.PayloadLength(6_500_000) > RecordHeader.MaxPayload);
        Assert.True(CheckpointSegment.PayloadLength(CheckpointSegment.MaxEntries) <= RecordHeader.MaxPayload);
        Assert.True(CheckpointSegment.PayloadLength(CheckpointSegment.MaxEntries + 1L) > RecordHeader.MaxPayload);

        // Segments: 7 of at most 1,048,576 entries, each about 44 MiB, plus a 360-byte directory.
        var segmentPayload = CheckpointSegment.PayloadLength(CheckpointEncoder.DefaultSegmentEntries);
        Assert.Equal(46_399_512, segmentPayload);
        Assert.True(segmentPayload <= RecordHeader.MaxPayload);
        Assert.Equal(7, (6_500_000 + CheckpointEncoder.DefaultSegmentEntries - 1) / CheckpointEncoder.DefaultSegmentEntries);

        // 100 M objects: 96 segments and a 4,632-byte directory.
        var hundredMillion = (100_000_000 + CheckpointEncoder.DefaultSegmentEntries - 1) / CheckpointEncoder.DefaultSegmentEntries;
        Assert.Equal(96, hundredMillion);
        Assert.Equal(4_632, CheckpointDirectory.HeaderSize + (hundredMillion * CheckpointDirectory.SegmentSize));

        // The legacy single-record encoder refuses rather than write an unreadable record.
        Assert.Throws<InvalidOperationException>(() => Checkpoint.Encode(new CountOnlyList(CheckpointSegment.MaxEntries + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointEncoder(CheckpointSegment.MaxEntries + 1));
    }

    [Fact]
    public void Cap_LoweredToOneSegment_SingleRecordExceedsItWhileSegmentsStayWithin()
    {
        // Scaled down: with the cap at one 100-entry segment, 650 entries in one record exceed it,
        // and the encoder's records never do.
        var cap = CheckpointSegment.PayloadLength(SegmentEntries);
        var entries = Entries(650);

        var single = new CheckpointEncoder(650).EncodeSegments(entries).Single();
        var segmented = new CheckpointEncoder(SegmentEntries).EncodeSegments(entries).ToList();

        Assert.True(single.Payload.Length > cap);
        Assert.Equal(7, segmented.Count);
        Assert.All(segmented, s => Assert.True(s.Payload.Length <= cap));
    }

    [Fact]
    public void Merge_TwoSortedStreams_YieldsTheSortedUnionWithTheNewerWinningTies()
    {
        var older = Enumerable.Range(0, 50).Select(i => (Numbered(i * 2L), new Location(i, 1))).ToList();
        var newer = Enumerable.Range(0, 30).Select(i => (Numbered(i * 3L), new Location(1000 + i, 2))).ToList();

        var merged = CheckpointEncoder.Merge(older, newer).ToList();

        var expected = older.Where(o => !newer.Any(n => n.Item1 == o.Item1)).Concat(newer).OrderBy(e => e.Item1).ToList();
        Assert.Equal(expected, merged);
        Assert.Equal(new Location(1000, 2), merged.Single(e => e.Hash == Numbered(0)).Location);
        Assert.Equal(new Location(1002, 2), merged.Single(e => e.Hash == Numbered(6)).Location);
    }

    [Fact]
    public void Merge_EndlessStreams_IsLazy()
    {
        static IEnumerable<(Hash Hash, Location Location)> Endless(long step)
        {
            for (var i = 0L; ; i++)
            {
                yield return (Numbered(i * step), new Location(i, 1));
            }
        }

        var first = CheckpointEncoder.Merge(Endless(2), Endless(3)).Take(5).Select(e => e.Hash).ToList();

        Assert.Equal([Numbered(0), Numbered(2), Numbered(3), Numbered(4), Numbered(6)], first);
    }

    [Fact]
    public void Merge_UnsortedInput_Throws()
    {
        var sorted = Entries(10);
        var unsorted = new List<(Hash Hash, Location Location)>(sorted);
        (unsorted[3], unsorted[4]) = (unsorted[4], unsorted[3]);

        Assert.Throws<InvalidOperationException>(() => CheckpointEncoder.Merge(sorted, unsorted).ToList());
        Assert.Throws<InvalidOperationException>(() => CheckpointEncoder.Merge(unsorted, sorted).ToList());
    }

    [Fact]
    public void Encoder_UnsortedOrDuplicateInput_Throws()
    {
        var sorted = Entries(10);
        var duplicated = sorted.Take(5).Concat(sorted.Skip(4)).ToList();

        Assert.Throws<InvalidOperationException>(() => new CheckpointEncoder(3).EncodeSegments(duplicated).ToList());
        Assert.Throws<InvalidOperationException>(() => new CheckpointEncoder(3).EncodeSegments(sorted.AsEnumerable().Reverse()).ToList());
    }

    [Fact]
    public void MergeThenEncode_PreviousIndexAndTail_OpensAsTheUnion()
    {
        var log = new TestLog();
        var previous = Entries(400);
        var (oldRoot, _) = log.WriteIndex(previous, SegmentEntries);
        var old = log.Open(oldRoot);

        // The tail rewrites objects 390..399 and adds 400..459.
        var tail = Enumerable.Range(390, 70).Select(i => (Hash: Hash.ComputeBlake3(BitConverter.GetBytes((long)i)), Location: new Location(100_000 + i, 60))).OrderBy(e => e.Hash).ToList();
        var rewritten = tail.Select(e => e.Hash).ToHashSet();

        var (root, _) = log.WriteIndex(CheckpointEncoder.Merge(old.Enumerate(), tail), SegmentEntries);
        var index = log.Open(root);

        Assert.Equal(460, index.Count);
        var expected = previous.Where(e => !rewritten.Contains(e.Hash)).Concat(tail).OrderBy(e => e.Hash).ToList();
        Assert.Equal(expected, index.Enumerate().ToList());
        foreach (var (hash, location) in expected)
        {
            Assert.True(index.TryFind(hash, out var found));
            Assert.Equal(location, found);
        }
    }

    [Fact]
    public void LegacyOpen_DirectoryRoot_ReadsTheSegmentedIndex()
    {
        var entries = Entries(350);
        var log = new TestLog();
        var (root, _) = log.WriteIndex(entries, SegmentEntries);

        var legacy = Checkpoint.Open(log.Ring, root.Offset + RecordHeader.Size, root.Length - RecordHeader.Size, Where);

        Assert.Equal(350, legacy.Count);
        Assert.Equal(entries, legacy.Enumerate().ToList());
    }

    [Fact]
    public void DirectoryEncode_SegmentsOutOfOrder_Throws()
    {
        var log = new TestLog();
        var segments = log.WriteSegments(Entries(300), SegmentEntries);

        Assert.Throws<ArgumentException>(() => CheckpointDirectory.Encode([segments[1], segments[0]]));
        Assert.Throws<ArgumentException>(() => CheckpointDirectory.Encode([]));
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "IrminSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("IrminSharp.sln not found above the test output");
    }

    /// <summary>The deterministic entries of the golden checkpoints: BLAKE3 of i (little-endian i32) at (64 i, 44 + i).</summary>
    private static List<(Hash Hash, Location Location)> GoldenEntries()
    {
        var entries = new List<(Hash Hash, Location Location)>();
        var bytes = new byte[4];
        for (var i = 0; i < 300; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, i);
            entries.Add((Hash.ComputeBlake3(bytes), new Location(i * 64L, 44 + i)));
        }

        entries.Sort((a, b) => a.Hash.CompareTo(b.Hash));
        return entries;
    }

    private static List<(Hash Hash, Location Location)> Entries(int n)
    {
        var entries = new List<(Hash Hash, Location Location)>(n);
        for (var i = 0; i < n; i++)
        {
            entries.Add((Hash.ComputeBlake3(BitConverter.GetBytes((long)i)), new Location(i * 100L, 50 + (i % 7))));
        }

        entries.Sort((a, b) => a.Hash.CompareTo(b.Hash));
        return entries;
    }

    /// <summary>
    /// Hashes ordered as <paramref name="n"/> (below 2^14), spread over the leading bits so that they
    /// fall in different fanout buckets.
    /// </summary>
    private static Hash Numbered(long n)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt64BigEndian(bytes, n << 50);
        return Hash.FromBytes(bytes);
    }

    /// <summary>The hash <paramref name="delta"/> away from <paramref name="hash"/> as a 256-bit big-endian number.</summary>
    private static Hash Plus(Hash hash, int delta)
    {
        var bytes = hash.ToArray();
        var carry = delta;
        for (var i = bytes.Length - 1; i >= 0 && carry != 0; i--)
        {
            var v = bytes[i] + carry;
            bytes[i] = (byte)(v & 0xff);
            carry = v >> 8;
        }

        return Hash.FromBytes(bytes);
    }

    private static byte[] RawDirectory(List<CheckpointDirectoryEntry> segments, long total)
    {
        var payload = new byte[CheckpointDirectory.HeaderSize + (segments.Count * CheckpointDirectory.SegmentSize)];
        "IRMNIDXD"u8.CopyTo(payload);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), total);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(16), segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var e = payload.AsSpan(CheckpointDirectory.HeaderSize + (i * CheckpointDirectory.SegmentSize));
            segments[i].FirstHash.CopyTo(e);
            BinaryPrimitives.WriteInt64LittleEndian(e[32..], segments[i].Location.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(e[40..], segments[i].Location.Length);
            BinaryPrimitives.WriteInt32LittleEndian(e[44..], segments[i].Count);
        }

        return payload;
    }

    /// <summary>Rewrites a directory payload's own CRC (bytes 0..19 and the table) after an edit.</summary>
    private static byte[] Resign(byte[] directory)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(directory.AsSpan(0, 20));
        crc.Append(directory.AsSpan(CheckpointDirectory.HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(directory.AsSpan(20), crc.GetCurrentHashAsUInt32());
        return directory;
    }

    /// <summary>Rewrites a segment payload's header CRC (bytes 0..19 and the fanout) after an edit.</summary>
    private static void ResignSegment(byte[] payload)
    {
        var bits = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(16));
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(payload.AsSpan(0, 20));
        crc.Append(payload.AsSpan(CheckpointSegment.HeaderSize, 4 << bits));
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(20), crc.GetCurrentHashAsUInt32());
    }

    /// <summary>A ring log on a memory device with an append cursor: each record is its own sector-aligned batch.</summary>
    private sealed class TestLog
    {
        private readonly MemoryBlockDevice device = new(512, 4096, recordWrites: false);

        public TestLog() => Ring = new RingLog(device, Where);

        public RingLog Ring { get; }

        public long End { get; private set; }

        public long LogStart { get; set; }

        public Location Append(byte[] payload, RecordKind kind = RecordKind.Checkpoint)
        {
            var total = RecordHeader.Size + payload.Length;
            var batch = new byte[(total + 511) / 512 * 512];
            RecordHeader.WriteRecord(batch, kind, default, payload);
            Ring.Write(End, batch);
            var location = new Location(End, total);
            End += batch.Length;
            return location;
        }

        public List<CheckpointDirectoryEntry> WriteSegments(IEnumerable<(Hash Hash, Location Location)> sorted, int segmentEntries) =>
            [.. new CheckpointEncoder(segmentEntries).EncodeSegments(sorted).Select(s => s.At(Append(s.Payload)))];

        /// <summary>What the engine does: segments, then a directory if there is more than one; returns the root.</summary>
        public (Location Root, List<CheckpointDirectoryEntry> Segments) WriteIndex(IEnumerable<(Hash Hash, Location Location)> sorted, int segmentEntries)
        {
            var segments = WriteSegments(sorted, segmentEntries);
            var root = segments.Count == 1 ? segments[0].Location : Append(CheckpointDirectory.Encode(segments));
            return (root, segments);
        }

        public CheckpointIndex Open(Location root) => CheckpointIndex.Open(Ring, root.Offset, root.Length, LogStart, End, Where);

        /// <summary>The device image up to the log end.</summary>
        public byte[] Image() => device.SnapshotImage()[..(int)(Ring.DataStart + End)];

        public void Flip(long position)
        {
            var sector = new byte[512];
            var physical = Ring.DataStart + position;
            device.Read(physical / 512, sector);
            sector[physical % 512] ^= 0x40;
            device.Write(physical / 512, sector);
        }
    }

    /// <summary>A list that only knows its count: reading an element fails the test.</summary>
    private sealed class CountOnlyList(int count) : IReadOnlyList<(Hash Hash, Location Location)>
    {
        public int Count => count;

        public (Hash Hash, Location Location) this[int index] => throw new InvalidDataException("the list was read");

        public IEnumerator<(Hash Hash, Location Location)> GetEnumerator() => throw new InvalidDataException("the list was read");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
