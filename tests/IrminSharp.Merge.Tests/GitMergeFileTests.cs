using System.Diagnostics;
using System.Text;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

/// <summary>
/// LineDiff.Merge3 against stock <c>git merge-file -p</c>: wherever git merges cleanly, the merge
/// is clean too and gives the same text (and on these inputs, where git conflicts, so does the
/// merge). The texts are made of lines that occur once, so that the
/// diffs have one best alignment and the two tools cannot differ by where they place a hunk.
/// </summary>
public sealed class GitMergeFileTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("irmin-merge-file-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void Merge_AgreesWithGitMergeFile_OnGeneratedEdits()
    {
        var (clean, conflicted) = (0, 0);
        for (var seed = 0; seed < 300; seed++)
        {
            var (o, a, b) = Generate(new Random(seed));
            var (gitConflicts, gitText) = GitMergeFile(o, a, b);
            var ours = LineDiff.Merge3(o, a, b);
            if (gitConflicts == 0)
            {
                clean++;
                Assert.True(ours.IsOk, $"seed {seed}: git merges cleanly, we conflict: {string.Join("; ", ours.Conflicts)}");
                Assert.Equal(gitText, ours.Value);
                Assert.Equal(gitText, LineDiff.Merge3(o, b, a).Value);
            }
            else
            {
                // Not required of a merge, but true of these inputs: where git conflicts, so do we.
                conflicted++;
                Assert.False(ours.IsOk, $"seed {seed}: git conflicts, we merge cleanly");
            }
        }

        // Both outcomes must be common, or the comparison says little.
        Assert.InRange(clean, 75, 225);
        Assert.InRange(conflicted, 75, 225);
    }

    [Fact]
    public void Merge_AgreesWithGitMergeFile_OnDenseEditsWithEditsBetween()
    {
        // The case that once gave one conflict over lines 1-5996: ours edits every fifth line.
        var o = Enumerable.Range(0, 6000).Select(i => $"line {i}\n").ToArray();
        var a = o.Select((line, i) => i % 5 == 0 ? $"ours {i}\n" : line).ToArray();
        var b = o.Select((line, i) => i % 1000 == 2 || i == 5997 ? $"theirs {i}\r\n" : line).ToArray();
        var (gitConflicts, gitText) = GitMergeFile(string.Concat(o), string.Concat(a), string.Concat(b));
        Assert.Equal(0, gitConflicts);
        Assert.Equal(gitText, LineDiff.Merge3(string.Concat(o), string.Concat(a), string.Concat(b)).Value);
    }

    // A base of unique lines (LF or CRLF, maybe no final newline) and two sides with a few edits
    // each: runs replaced by new unique lines, line endings switched, the final newline added or
    // dropped; sometimes the same edits on both sides first.
    private static (string Base, string Ours, string Theirs) Generate(Random random)
    {
        var count = random.Next(8) == 0 ? random.Next(200, 2000) : random.Next(0, 30);
        var lines = Enumerable.Range(0, count).Select(i => $"base {i}" + Ending(random)).ToList();
        if (lines.Count > 0 && random.Next(3) == 0)
        {
            lines[^1] = lines[^1].TrimEnd('\n').TrimEnd('\r');
        }

        var (ours, theirs) = (lines.ToList(), lines.ToList());
        if (random.Next(4) == 0)
        {
            var shared = random.Next();
            Edit(ours, new Random(shared), "shared", 2);
            Edit(theirs, new Random(shared), "shared", 2);
        }

        Edit(ours, random, "ours", random.Next(1, 4));
        Edit(theirs, random, "theirs", random.Next(1, 4));
        return (string.Concat(lines), string.Concat(ours), string.Concat(theirs));
    }

    private static void Edit(List<string> lines, Random random, string tag, int edits)
    {
        for (var e = 0; e < edits; e++)
        {
            var open = lines.Count > 0 && !lines[^1].EndsWith('\n');
            switch (random.Next(5))
            {
                case 0 when lines.Count > 0:
                    var at = random.Next(lines.Count);
                    lines[at] = lines[at].EndsWith("\r\n", StringComparison.Ordinal) ? lines[at][..^2] + "\n"
                        : lines[at].EndsWith('\n') ? lines[at][..^1] + "\r\n"
                        : lines[at];
                    break;
                case 1 when open:
                    lines[^1] += "\n";
                    break;
                case 1 when lines.Count > 0:
                    lines[^1] = lines[^1].TrimEnd('\n').TrimEnd('\r');
                    break;
                default:
                    // Replace a run of up to 3 lines by up to 3 new ones (never after an open last line).
                    var from = random.Next((open ? lines.Count - 1 : lines.Count) + 1);
                    var cut = Math.Min(random.Next(4), lines.Count - from);
                    var added = random.Next(cut == 0 ? 1 : 0, 4);
                    lines.RemoveRange(from, cut);
                    lines.InsertRange(from, Enumerable.Range(0, added).Select(_ => $"{tag} {random.Next()}" + Ending(random)));
                    break;
            }
        }
    }

    private static string Ending(Random random) => random.Next(4) == 0 ? "\r\n" : "\n";

    // git merge-file -p ours base theirs: the number of conflicts (0 when clean) and the text.
    private (int Conflicts, string Text) GitMergeFile(string o, string a, string b)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        File.WriteAllText(Path.Combine(directory.FullName, "base"), o, utf8);
        File.WriteAllText(Path.Combine(directory.FullName, "ours"), a, utf8);
        File.WriteAllText(Path.Combine(directory.FullName, "theirs"), b, utf8);
        var start = new ProcessStartInfo("git", ["merge-file", "-p", "ours", "base", "theirs"])
        {
            WorkingDirectory = directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = utf8,
            UseShellExecute = false,
        };
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var errors = git.StandardError.ReadToEndAsync();
        var text = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode is >= 0 and < 128, $"git merge-file failed ({git.ExitCode}): {errors.Result}");
        return (git.ExitCode, text);
    }
}
