using FsCheck;
using FsCheck.Fluent;

namespace IrminSharp.Merge.Tests;

/// <summary>A generated text of lines: LF and CRLF mixed, maybe no final newline, maybe empty or large.</summary>
public sealed record LinesText(string Value)
{
    public override string ToString() => TextGenerators.Show(Value);
}

/// <summary>A generated base text and two texts edited from it.</summary>
public sealed record EditedTexts(string Base, string Ours, string Theirs)
{
    public override string ToString() =>
        $"base {TextGenerators.Show(Base)}, ours {TextGenerators.Show(Ours)}, theirs {TextGenerators.Show(Theirs)}";
}

/// <summary>
/// A generated text in three parts, each part edited on one side only: head and tail around a
/// middle of lines that occur nowhere else.
/// </summary>
public sealed record FarApartEdits(string Head, string NewHead, string Tail, string NewTail)
{
    public const string Middle = "=middle one=\n=middle two=\r\n";

    public override string ToString() =>
        $"head {TextGenerators.Show(Head)} -> {TextGenerators.Show(NewHead)}, tail {TextGenerators.Show(Tail)} -> {TextGenerators.Show(NewTail)}";
}

/// <summary>FsCheck generators for line-based texts and edits of them.</summary>
public static class TextGenerators
{
    // Few distinct contents, so that texts share lines in many ways; "a\r" before "\n" makes a
    // line that looks like "a" with a CRLF ending.
    private static readonly string[] Contents = ["a", "b", "c", string.Empty, " ", "a\r"];

    private static readonly Gen<string> Line =
        Gen.Zip(Gen.Elements(Contents), Gen.Elements("\n", "\r\n")).Select(p => p.Item1 + p.Item2);

    // Mostly small, sometimes thousands of lines.
    private static readonly Gen<List<string>> Lines =
        Gen.Sized(size => Gen.Frequency((12, Gen.Choose(0, size)), (1, Gen.Choose(1000, 4000))))
            .SelectMany(n => Line.ListOf(n))
            .Select(lines => lines.ToList());

    private static readonly Gen<List<string>> TextLines =
        from lines in Lines
        from open in Gen.Elements(false, false, true)
        from last in Gen.Elements("a", "b", "c", " ")
        select open ? [.. lines, last] : lines;

    private static readonly Gen<LineEdit> Edit =
        from kind in Gen.Choose(0, 5)
        from at in Gen.Choose(0, int.MaxValue)
        from count in Gen.Choose(1, 4)
        from line in Line
        select new LineEdit(kind, at, count, line);

    private static readonly Gen<List<LineEdit>> Edits =
        Gen.Choose(0, 4).SelectMany(n => Edit.ListOf(n)).Select(edits => edits.ToList());

    public static Arbitrary<LinesText> Text() => Arb.From(TextLines.Select(lines => new LinesText(string.Concat(lines))));

    public static Arbitrary<EditedTexts> Edited() => Arb.From(
        from lines in TextLines
        from mine in Edits
        from other in Edits
        from overlapping in Gen.Elements(false, false, true)

        // Sometimes theirs starts from our edits, so that both sides share some changes.
        let theirs = overlapping ? [.. mine, .. other] : other
        select new EditedTexts(string.Concat(lines), Apply(lines, mine), Apply(lines, theirs)));

    public static Arbitrary<FarApartEdits> FarApart() => Arb.From(
        from head in Lines
        from headEdits in Edits
        from tail in TextLines
        from tailEdits in Edits

        // The head runs into the middle, so it keeps its final newline.
        let newHead = Apply(head, headEdits)
        select new FarApartEdits(
            string.Concat(head),
            newHead.Length == 0 || newHead.EndsWith('\n') ? newHead : newHead + "\n",
            string.Concat(tail),
            Apply(tail, tailEdits)));

    /// <summary>The lines edited: only the last may lack its terminator, and then it is not empty.</summary>
    public static string Apply(IReadOnlyList<string> lines, IEnumerable<LineEdit> edits)
    {
        var result = lines.ToList();
        foreach (var edit in edits)
        {
            edit.ApplyTo(result);
        }

        return string.Concat(result);
    }

    public static string Show(string text) => "\"" + text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
