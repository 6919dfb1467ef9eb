using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// A small pack holding every record type and every object kind, with old history, and its
/// ground truth captured before any damage: every object's bytes, every acknowledged refs state,
/// every commit's contents, and a map of which image bytes belong to which record.
/// </summary>
/// <remarks>
/// Records: both superblocks, refs full tables (kind 2) and journal records (kind 5), index
/// checkpoints (kind 3: a directory and its segments), objects (kind 1) of every kind (contents,
/// flat nodes, inner trie nodes of a 40-entry directory, commits with one and two parents) and the
/// zero padding that ends each batch. Refs: main, two more branches (one left at an old commit)
/// and a tag on an old commit.
/// </remarks>
internal sealed class CorruptionStore
{
    private CorruptionStore(byte[] image, List<Dictionary<string, Hash>> states, Dictionary<Hash, byte[]> objects, Dictionary<Hash, Dictionary<string, long>> contents, List<ImageRegion> regions, long usedBytes)
    {
        Image = image;
        States = states;
        Objects = objects;
        Contents = contents;
        Regions = regions;
        UsedBytes = usedBytes;
    }

    /// <summary>The options the store is written with: checkpoints and refs compactions come often.</summary>
    public static PackOptions Options { get; } = new() { CheckpointEvery = 100, CheckpointSegmentEntries = 40, RefsCompactionBytes = 4096 };

    /// <summary>The clean image.</summary>
    public byte[] Image { get; }

    /// <summary>The refs after each acknowledged operation, oldest first; the last is the final state.</summary>
    public List<Dictionary<string, Hash>> States { get; }

    /// <summary>Every object reachable from any ref (old history included), with its exact bytes.</summary>
    public Dictionary<Hash, byte[]> Objects { get; }

    /// <summary>Every commit's contents, path to value.</summary>
    public Dictionary<Hash, Dictionary<string, long>> Contents { get; }

    /// <summary>Which image bytes belong to what, in image order; bytes in no region are unused.</summary>
    public List<ImageRegion> Regions { get; }

    /// <summary>The image bytes the store uses: the superblocks and the log up to its end.</summary>
    public long UsedBytes { get; }

    /// <summary>Builds the store on a memory device and captures its ground truth.</summary>
    public static CorruptionStore Build()
    {
        var device = PackFixture.NewDevice(sectors: 512);
        var states = new List<Dictionary<string, Hash>>();
        using (var pack = PackFixture.Create(device, Options))
        using (var repo = PackFixture.Repo(pack))
        {
            void Acknowledged() => states.Add(RefsOf(pack));
            Acknowledged();
            for (var i = 0; i < 4; i++)
            {
                repo.Main.Set($"a/k{i}", i + 1);
                Acknowledged();
            }

            repo.CreateBranch("old", repo.Main.HeadHash!.Value);
            repo.CreateTag("v1", repo.Main.HeadHash!.Value);
            Acknowledged();
            repo.Main.Transact(t =>
            {
                for (var i = 0; i < 40; i++)
                {
                    t.Set($"big/f{i:D2}", 1000 + i);
                }
            });
            Acknowledged();
            repo.CreateBranch("feature", repo.Main.HeadHash!.Value);
            Acknowledged();
            for (var i = 0; i < 3; i++)
            {
                repo.Branch("feature").Set($"feat/x{i}", 50 + i);
                Acknowledged();
                repo.Main.Set($"a/k{i}", 20 + i);
                Acknowledged();
            }

            repo.Main.Set("big/f07", 7777);
            Acknowledged();
            repo.Main.Merge(repo.Branch("feature"), "merge feature");
            Acknowledged();
            repo.Main.Remove("a/k3");
            Acknowledged();
            for (var i = 0; i < 6; i++)
            {
                repo.Main.Set($"tail/t{i}", i);
                Acknowledged();
            }
        }

        var image = device.SnapshotImage();
        using var reader = PackFixture.Reopen((byte[])image.Clone(), new PackOptions { ReadOnly = true });
        using var readerRepo = PackFixture.Repo(reader);
        var final = RefsOf(reader);
        if (!SameRefs(final, states[^1]))
        {
            throw new InvalidOperationException("the reopened store's refs are not the last acknowledged state");
        }

        var db = readerRepo.Objects;
        var objects = new Dictionary<Hash, byte[]>();
        var contents = new Dictionary<Hash, Dictionary<string, long>>();
        foreach (var hash in ObjectGraph.Reachable(db, final.Values))
        {
            var bytes = db.ReadRaw(hash).ToArray();
            objects[hash] = bytes;
            if (db.Schema.KindOf(bytes, hash) == ObjectKind.Commit)
            {
                contents[hash] = ContentsOf(readerRepo, hash);
            }
        }

        var sb = reader.File.Current;
        return new CorruptionStore(image, states, objects, contents, MapRegions(reader.File, image), (2 * PackFixture.Sector) + sb.LogEnd);
    }

    /// <summary>The refs of a pack, name to value.</summary>
    public static Dictionary<string, Hash> RefsOf(PackStore pack) => new(pack.File.RefsSnapshot());

    /// <summary>Whether two refs states are the same.</summary>
    public static bool SameRefs(IReadOnlyDictionary<string, Hash> a, IReadOnlyDictionary<string, Hash> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>A commit's contents through the repository: path to value.</summary>
    public static Dictionary<string, long> ContentsOf(Repository<long> repo, Hash commit) =>
        repo.TreeOf(repo.GetCommit(commit)).EnumerateContents().ToDictionary(e => e.Key.ToString(), e => repo.Decode(e.Value.Value));

    /// <summary>The region holding image byte <paramref name="index"/>, or null when the byte is unused.</summary>
    public ImageRegion? RegionAt(long index)
    {
        int lo = 0, hi = Regions.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var r = Regions[mid];
            if (index < r.Start)
            {
                hi = mid - 1;
            }
            else if (index >= r.End)
            {
                lo = mid + 1;
            }
            else
            {
                return r;
            }
        }

        return null;
    }

    private static List<ImageRegion> MapRegions(PackFile file, byte[] image)
    {
        var regions = new List<ImageRegion>();
        var newest = file.Current.Generation % 2;
        for (var s = 0; s < 2; s++)
        {
            var name = s == newest ? "superblock newest" : "superblock older";
            long at = s * PackFixture.Sector;
            foreach (var (offset, length, field) in SuperblockFields)
            {
                regions.Add(new ImageRegion(at + offset, at + offset + length, $"{name}: {field}", -1, null));
            }
        }

        var sb = file.Current;
        var logBase = 2L * PackFixture.Sector;
        new LogScanner(file.Log).Scan(sb.LogStart, sb.LogEnd, (position, finding, header, record) =>
        {
            var start = logBase + (position % file.Log.Capacity);
            switch (finding)
            {
                case LogScanner.Finding.Padding:
                    var end = ((position / PackFixture.Sector) + 1) * PackFixture.Sector;
                    regions.Add(new ImageRegion(start, start + (end - position), "batch padding", position, null));
                    break;
                case LogScanner.Finding.Record when header is { } h:
                    var label = h.Kind switch
                    {
                        RecordKind.Object => "object " + ((ObjectKind)image[start + RecordHeader.Size]).ToString().ToLowerInvariant(),
                        RecordKind.Refs => "refs table",
                        RecordKind.RefsJournal => "refs journal",
                        RecordKind.Checkpoint => "index checkpoint",
                        _ => h.Kind.ToString().ToLowerInvariant(),
                    };
                    Hash? obj = h.Kind == RecordKind.Object ? h.Hash : null;
                    regions.Add(new ImageRegion(start, start + RecordHeader.Size, label + ": header", position, obj));
                    regions.Add(new ImageRegion(start + RecordHeader.Size, start + h.TotalLength, label + ": payload", position, obj));
                    break;
                default:
                    throw new InvalidOperationException($"the clean image has {finding} at {position}");
            }
        });
        return regions;
    }

    private static readonly (int Offset, int Length, string Field)[] SuperblockFields =
    [
        (0, 8, "magic"), (8, 4, "version"), (12, 4, "sector size"), (16, 8, "generation"), (24, 8, "device sectors"),
        (32, 8, "log start"), (40, 8, "log end"), (48, 8, "refs offset"), (56, 4, "refs length"), (60, 4, "writer pid"),
        (64, 8, "checkpoint offset"), (72, 8, "checkpoint length"), (80, 8, "checkpoint covers"), (88, 8, "object count"),
        (96, 32, "schema"), (128, 32, "content type"), (160, 348, "reserved zeros"), (508, 4, "crc"),
    ];
}
