using IrminSharp.Backends.Block;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Replays a recorded write stream as the images a power loss could leave, each with its
/// <see cref="CrashPoint"/>, and counts them by kind:
/// <list type="bullet">
/// <item>prefix: the first k writes, at <see cref="CrashImages.PrefixPoint"/>, for every k;</item>
/// <item>reordered: at the end of every flush epoch (the point where the most writes are
/// unflushed, so the check is strictest: a landing at an earlier point of the epoch is also a
/// landing here), every landing when few writes are unflushed, else <see cref="Seeds"/> seeded ones;</item>
/// <item>torn: each unflushed write torn in its last sector, after the writes of its epoch before
/// it, at the epoch's end: split at every offset of <see cref="SplitOffsets"/> for superblock
/// writes (sectors 0 and 1), at one of them in turn for the others; and on a device with 4 KiB
/// sectors, with only some of its eight 512-byte pieces landed.</item>
/// </list>
/// </summary>
internal sealed class CrashSweep(byte[] baseImage, IReadOnlyList<WriteRecord> writes, int totalFlushes, int sectorSize)
{
    /// <summary>Split points inside a sector: five inside a superblock's first 160 bytes, and half of a 512-byte sector.</summary>
    public static readonly int[] SplitOffsets = [1, 8, 40, 100, 159, 256];

    private readonly SortedDictionary<int, int> tornAt = [];

    /// <summary>An epoch with at most this many unflushed writes is searched exhaustively.</summary>
    public int ExhaustiveUpTo { get; init; } = 4;

    /// <summary>Seeded landings at the end of a larger epoch.</summary>
    public int Seeds { get; init; } = 3;

    public int Prefixes { get; private set; }

    public int ReorderedExhaustive { get; private set; }

    public int ReorderedSeeded { get; private set; }

    public int TornPieces { get; private set; }

    public int Total => Prefixes + ReorderedExhaustive + ReorderedSeeded + TornPieces + tornAt.Values.Sum();

    /// <summary>Builds every image from crash points at or after write <paramref name="fromWrite"/> and hands each to <paramref name="check"/>.</summary>
    public void Run(int fromWrite, Action<byte[], CrashPoint, string> check)
    {
        for (var k = fromWrite; k <= writes.Count; k++)
        {
            check(CrashImages.Prefix(baseImage, writes, sectorSize, k), CrashImages.PrefixPoint(writes, k, totalFlushes), $"prefix {k}");
            Prefixes++;
            var epochEnd = k > fromWrite && (k == writes.Count || writes[k].FlushesBefore != writes[k - 1].FlushesBefore);
            if (epochEnd)
            {
                Epoch(CrashImages.LastWritePoint(writes, k), fromWrite, check);
            }
        }
    }

    public string Summary() =>
        $"{Total} images: {Prefixes} prefix, {ReorderedExhaustive} reordered exhaustive, {ReorderedSeeded} reordered seeded, "
        + $"torn in sector by offset {string.Join(" ", tornAt.Select(p => $"{p.Key}:{p.Value}"))}, {TornPieces} torn 512-in-4K";

    private void Epoch(CrashPoint point, int fromWrite, Action<byte[], CrashPoint, string> check)
    {
        var unflushed = CrashImages.Unflushed(writes, point);
        if (unflushed.Count <= ExhaustiveUpTo)
        {
            foreach (var landing in CrashImages.AllLandings(writes, point, sectorSize))
            {
                check(CrashImages.Image(baseImage, writes, sectorSize, point, landing), point, $"reordered {point} landing [{string.Join(",", landing)}]");
                ReorderedExhaustive++;
            }
        }
        else
        {
            for (var seed = 0; seed < Seeds; seed++)
            {
                var landing = CrashImages.SeededLanding(writes, point, seed);
                check(CrashImages.Image(baseImage, writes, sectorSize, point, landing), point, $"reordered {point} seed {seed} landing [{string.Join(",", landing)}]");
                ReorderedSeeded++;
            }
        }

        for (var n = 0; n < unflushed.Count; n++)
        {
            var i = unflushed[n];
            if (i < fromWrite)
            {
                continue;
            }

            var landed = unflushed.Take(n + 1).ToList();
            var last = (writes[i].Data.Length / sectorSize) - 1;
            var superblock = writes[i].Sector < 2;
            foreach (var offset in superblock ? SplitOffsets : [SplitOffsets[i % SplitOffsets.Length]])
            {
                var tear = Tear.Split(i, last, offset);
                check(CrashImages.Image(baseImage, writes, sectorSize, point, landed, tear), point, $"torn {point}: {tear}");
                tornAt[offset] = tornAt.GetValueOrDefault(offset) + 1;
            }

            if (sectorSize == 4096)
            {
                // A superblock lies in the first piece: landed alone, or all but it. Elsewhere two
                // of the 254 proper subsets, varied with the write.
                int[] masks = superblock ? [0x01, 0xFE] : [1 + (i * 37 % 254), 1 + ((i * 101 + 53) % 254)];
                foreach (var mask in masks)
                {
                    var tear = Tear.Pieces(i, last, mask);
                    check(CrashImages.Image(baseImage, writes, sectorSize, point, landed, tear), point, $"torn {point}: {tear}");
                    TornPieces++;
                }
            }
        }
    }
}
