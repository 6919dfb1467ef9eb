using System.Globalization;
using System.Text;

namespace IrminSharp.Compare;

/// <summary>The three inputs of the <c>merge-text</c> scenario, each drawn from the seed alone.</summary>
internal static class MergeTextInputs
{
    private const int DenseLines = 6_000;
    private const int SparseLines = 200_000;
    private const int SparseEditsPerSide = 10;
    private const int PathologicalLines = 80_000;
    private const int PathologicalAlphabet = 8;
    private const double PathologicalEditShare = 0.3;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The cases in the order they run: dense, sparse-large, pathological.</summary>
    public static IReadOnlyList<MergeTextCase> All(int seed) => [Dense(seed), SparseLarge(seed), Pathological(seed)];

    /// <summary>
    /// <c>dense</c>: 6,000 unique lines; ours rewrites every line i with i % 5 == 0, theirs every
    /// line with i % 10 == 2 (always a line apart from ours), so the merge is clean.
    /// </summary>
    public static MergeTextCase Dense(int seed)
    {
        var rng = new Random(unchecked((seed * 31) + 1));
        var lines = UniqueLines(rng, DenseLines);
        var ours = lines.Select((line, i) => i % 5 == 0 ? Rewritten(line, "ours") : line);
        var theirs = lines.Select((line, i) => i % 10 == 2 ? Rewritten(line, "theirs") : line);
        return new MergeTextCase(
            "dense",
            string.Create(Invariant, $"{DenseLines} unique lines; ours edits i%5==0, theirs i%10==2 (clean)"),
            Join(lines),
            Join(ours),
            Join(theirs),
            MustMatchPeer: true);
    }

    /// <summary>
    /// <c>sparse-large</c>: 200,000 unique lines; 10 edits on each side, one per 10,000-line slot,
    /// the slots alternating between the sides, so any two edits are thousands of lines apart. An
    /// edit replaces a line, replaces two, inserts 1-3 new lines, or deletes 1-3 lines.
    /// </summary>
    public static MergeTextCase SparseLarge(int seed)
    {
        var rng = new Random(unchecked((seed * 31) + 2));
        var lines = UniqueLines(rng, SparseLines);
        var slot = SparseLines / (2 * SparseEditsPerSide);
        var ours = new List<string>(lines);
        var theirs = new List<string>(lines);

        // From the last slot to the first, so an edit does not move the lines of the ones still to come.
        for (var s = (2 * SparseEditsPerSide) - 1; s >= 0; s--)
        {
            var at = (s * slot) + rng.Next(slot / 10, slot * 9 / 10);
            var (side, name) = s % 2 == 0 ? (ours, "ours") : (theirs, "theirs");
            switch (rng.Next(4))
            {
                case 0:
                    side[at] = Rewritten(side[at], name);
                    break;
                case 1:
                    side[at] = Rewritten(side[at], name);
                    side[at + 1] = Rewritten(side[at + 1], name);
                    break;
                case 2:
                    var inserted = rng.Next(1, 4);
                    for (var k = 0; k < inserted; k++)
                    {
                        side.Insert(at, string.Create(Invariant, $"{name} inserted {s}.{k} {Filler(rng)}"));
                    }

                    break;
                default:
                    side.RemoveRange(at, rng.Next(1, 4));
                    break;
            }
        }

        return new MergeTextCase(
            "sparse-large",
            string.Create(Invariant, $"{SparseLines} unique lines; {SparseEditsPerSide} edits per side, at least ~2000 lines apart (clean)"),
            Join(lines),
            Join(ours),
            Join(theirs),
            MustMatchPeer: true);
    }

    /// <summary>
    /// <c>pathological</c>: 80,000 lines drawn from 8 distinct lines; ours and theirs each an
    /// independent random edit of the base: each base line, with probability 0.3, is replaced by a
    /// random line of the alphabet, deleted, or preceded by an inserted random line (a third each).
    /// A diff between such texts has a huge number of edits, each line many equal partners.
    /// </summary>
    public static MergeTextCase Pathological(int seed)
    {
        var rng = new Random(unchecked((seed * 31) + 3));
        var alphabet = Enumerable.Range(0, PathologicalAlphabet).Select(k => string.Create(Invariant, $"token {k} {Filler(rng)}")).ToArray();
        var lines = Enumerable.Range(0, PathologicalLines).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray();
        return new MergeTextCase(
            "pathological",
            string.Create(Invariant, $"{PathologicalLines} lines over {PathologicalAlphabet} distinct ones; each side a random edit of ~{PathologicalEditShare * 100:F0}% of the lines"),
            Join(lines),
            Join(RandomEdit(rng, lines, alphabet)),
            Join(RandomEdit(rng, lines, alphabet)),
            MustMatchPeer: false);
    }

    /// <summary><paramref name="count"/> distinct lines: a running number and random filler (without terminators).</summary>
    private static string[] UniqueLines(Random rng, int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(Invariant, $"{i:D6} {Filler(rng)}")).ToArray();

    /// <summary>A line no base line equals: the side's name, and the old line.</summary>
    private static string Rewritten(string line, string side) => side + " edited: " + line;

    private static List<string> RandomEdit(Random rng, string[] lines, string[] alphabet)
    {
        var edited = new List<string>(lines.Length + (lines.Length / 5));
        foreach (var line in lines)
        {
            if (rng.NextDouble() >= PathologicalEditShare)
            {
                edited.Add(line);
                continue;
            }

            switch (rng.Next(3))
            {
                case 0:
                    edited.Add(alphabet[rng.Next(alphabet.Length)]);
                    break;
                case 1:
                    break;
                default:
                    edited.Add(alphabet[rng.Next(alphabet.Length)]);
                    edited.Add(line);
                    break;
            }
        }

        return edited;
    }

    /// <summary>20 to 60 random lowercase letters and spaces.</summary>
    private static string Filler(Random rng)
    {
        var text = new StringBuilder();
        var length = rng.Next(20, 61);
        for (var k = 0; k < length; k++)
        {
            text.Append(rng.Next(6) == 0 ? ' ' : (char)('a' + rng.Next(26)));
        }

        return text.ToString();
    }

    /// <summary>The lines, each followed by '\n'.</summary>
    private static string Join(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
