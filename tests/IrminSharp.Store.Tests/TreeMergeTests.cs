using System.Text;
using System.Text.Json.Nodes;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

/// <summary>Merges of commits through a repository: modes, criss-cross histories, conflict details, partial results.</summary>
public sealed class TreeMergeTests
{
    private const uint Regular = 0x81a4; // 0100644
    private const uint Executable = 0x81ed; // 0100755

    private static Commit CommitOn<T>(Repository<T> repo, Commit? parent, Func<Tree, Tree> edit, string message) =>
        repo.Commit(edit(parent is null ? Tree.Empty : repo.TreeOf(parent)), parent is null ? [] : [parent.Hash], repo.Info(message));

    private static Commit MergeCommit<T>(Repository<T> repo, Commit ours, Commit theirs, Func<Tree, Tree> resolve) =>
        repo.Commit(resolve(repo.TreeOf(ours)), [ours.Hash, theirs.Hash], repo.Info("merge by hand"));

    private static ReadOnlyMemory<byte> Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(Tree tree, string path) =>
        tree.TryGetValue(path, out var bytes) ? Encoding.UTF8.GetString(bytes.Span) : "<absent>";

    [Fact]
    public void Merge_TheirModeChange_SurvivesOurEdit_InBothDirections()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("f", Utf8("v1"), Regular), "base");
        var edited = CommitOn(repo, o, t => t.Add("f", Utf8("v2"), Regular), "edit");
        var chmod = CommitOn(repo, o, t => t.Add("f", Utf8("v1"), Executable), "chmod");
        foreach (var (ours, theirs) in new[] { (edited, chmod), (chmod, edited) })
        {
            var merged = repo.TreeOf(repo.MergeCommits(ours.Hash, theirs.Hash, repo.Info("m")).Value);
            var f = merged.Find("f")!;
            Assert.Equal("v2", Text(merged, "f"));
            Assert.Equal(Executable, f.Metadata);
        }
    }

    [Fact]
    public void Merge_BothSidesChangedTheModeDifferently_Conflicts()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("f", Utf8("v"), 1), "base");
        var a = CommitOn(repo, o, t => t.Add("f", Utf8("v"), 2), "a");
        var b = CommitOn(repo, o, t => t.Add("f", Utf8("v"), 3), "b");
        var c = Assert.Single(repo.MergeCommits(a.Hash, b.Hash, repo.Info("m")).Conflicts);
        Assert.Equal("f", c.Path);
        Assert.Contains("mode", c.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_RemovedAgainstAModeChange_Conflicts()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("f", Utf8("v"), 1).Add("g", Utf8("x")), "base");
        var removed = CommitOn(repo, o, t => t.Remove("f"), "rm");
        var chmod = CommitOn(repo, o, t => t.Add("f", Utf8("v"), 2), "chmod");
        Assert.Equal("f", Assert.Single(repo.MergeCommits(removed.Hash, chmod.Hash, repo.Info("m")).Conflicts).Path);
        Assert.Equal("f", Assert.Single(repo.MergeCommits(chmod.Hash, removed.Hash, repo.Info("m")).Conflicts).Path);
    }

    [Fact]
    public void Merge_CrissCrossWhoseAncestorsConflict_SucceedsWhenBothSidesResolvedAlike()
    {
        // The review's case: A sets f=1, B sets f=2; both merge each other and resolve f=3 by
        // hand; then A edits g and B adds h. Git (ort and recursive) merges this to f=3.
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("f", Utf8("0")).Add("g", Utf8("g0")), "base");
        var a = CommitOn(repo, o, t => t.Add("f", Utf8("1")), "A: f=1");
        var b = CommitOn(repo, o, t => t.Add("f", Utf8("2")), "B: f=2");
        Assert.False(repo.MergeCommits(a.Hash, b.Hash, repo.Info("m")).IsOk);
        var ma = MergeCommit(repo, a, b, t => t.Add("f", Utf8("3")));
        var mb = MergeCommit(repo, b, a, t => t.Add("f", Utf8("3")));
        var a2 = CommitOn(repo, ma, t => t.Add("g", Utf8("g1")), "A: g");
        var b2 = CommitOn(repo, mb, t => t.Add("h", Utf8("h")), "B: h");
        Assert.Equal(2, repo.LowestCommonAncestors(a2.Hash, b2.Hash).Count);

        var merged = repo.MergeCommits(a2.Hash, b2.Hash, repo.Info("final"));
        Assert.True(merged.IsOk, string.Join("; ", merged.Conflicts));
        var tree = repo.TreeOf(merged.Value);
        Assert.Equal(("3", "g1", "h"), (Text(tree, "f"), Text(tree, "g"), Text(tree, "h")));
    }

    [Fact]
    public void Merge_CrissCrossWhereTheSidesStillDisagree_ConflictsAtThatPathOnly()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("f", Utf8("0")).Add("g", Utf8("g0")), "base");
        var a = CommitOn(repo, o, t => t.Add("f", Utf8("1")), "A");
        var b = CommitOn(repo, o, t => t.Add("f", Utf8("2")), "B");
        var ma = MergeCommit(repo, a, b, t => t.Add("f", Utf8("1")));
        var mb = MergeCommit(repo, b, a, t => t.Add("f", Utf8("2")));
        var a2 = CommitOn(repo, ma, t => t.Add("g", Utf8("g1")), "A: g");
        var merged = repo.MergeTrees(a2.Hash, mb.Hash, ConflictResolution.LeaveOut);
        var c = Assert.Single(merged.Conflicts);
        Assert.Equal("f", c.Path);
        Assert.Contains("common ancestors", c.Reason, StringComparison.Ordinal);
        Assert.Equal(("<absent>", "g1"), (Text(merged.Tree!, "f"), Text(merged.Tree!, "g")));
    }

    [Fact]
    public void Merge_ConflictInsideAValue_KeepsTheValuePathAndTheValues()
    {
        using var repo = MemoryRepository.Create(JsonContents.Instance);
        JsonNode Doc(int port) => JsonNode.Parse("{\"server\":{\"port\":" + port + ",\"a/b\":1}}")!;
        var o = CommitOn(repo, null, t => t.Add("etc/app.json", repo.Encode(Doc(80))), "base");
        var a = CommitOn(repo, o, t => t.Add("etc/app.json", repo.Encode(Doc(81))), "a");
        var b = CommitOn(repo, o, t => t.Add("etc/app.json", repo.Encode(Doc(82))), "b");
        var c = Assert.Single(repo.MergeCommits(a.Hash, b.Hash, repo.Info("m")).Conflicts);
        Assert.Equal("etc/app.json", c.Path);
        Assert.Equal("server/port", c.ValuePath);
        Assert.Equal(("80", "81", "82"), (c.Base, c.Ours, c.Theirs));
        Assert.StartsWith("contents ", c.Objects!.Ours, StringComparison.Ordinal);
        Assert.Equal("/etc/app.json at server/port: " + c.Reason, c.ToString());
    }

    [Fact]
    public void MergeTrees_KeepsWhatMerged_AndResolvesTheConflictsAsAsked()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("x", Utf8("0")).Add("d/y", Utf8("0")), "base");
        var a = CommitOn(repo, o, t => t.Add("x", Utf8("a")).Add("ours-only", Utf8("1")), "a");
        var b = CommitOn(repo, o, t => t.Add("x", Utf8("b")).Add("d/y", Utf8("b")), "b");
        foreach (var (resolution, expected) in new[] { (ConflictResolution.LeaveOut, "<absent>"), (ConflictResolution.Ours, "a"), (ConflictResolution.Theirs, "b") })
        {
            var merged = repo.MergeTrees(a.Hash, b.Hash, resolution);
            Assert.False(merged.IsClean);
            Assert.Equal("x", Assert.Single(merged.Conflicts).Path);
            Assert.Equal((expected, "1", "b"), (Text(merged.Tree!, "x"), Text(merged.Tree!, "ours-only"), Text(merged.Tree!, "d/y")));
        }

        Assert.True(repo.MergeTrees(a.Hash, a.Hash).IsClean);
    }

    [Fact]
    public void Merge_CountersInACrissCross_CountEveryIncrementOnce()
    {
        using var repo = MemoryRepository.Create(CounterContents.Instance);
        var o = CommitOn(repo, null, t => t.Add("n", repo.Encode(10)), "base");
        var a = CommitOn(repo, o, t => t.Add("n", repo.Encode(11)), "a +1");
        var b = CommitOn(repo, o, t => t.Add("n", repo.Encode(12)), "b +2");
        var ma = repo.MergeCommits(a.Hash, b.Hash, repo.Info("ma")).Value;
        var mb = repo.MergeCommits(b.Hash, a.Hash, repo.Info("mb")).Value;
        var a2 = CommitOn(repo, ma, t => t.Add("n", repo.Encode(17)), "a +4");
        var b2 = CommitOn(repo, mb, t => t.Add("n", repo.Encode(21)), "b +8");
        var merged = repo.TreeOf(repo.MergeCommits(a2.Hash, b2.Hash, repo.Info("m")).Value);
        Assert.True(merged.TryGetValue("n", out var n));
        Assert.Equal(10 + 1 + 2 + 4 + 8, repo.Decode(n));
    }
}
