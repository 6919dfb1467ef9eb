using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

/// <summary>The native schema's shape-only scan names exactly the nodes a full decode does.</summary>
public sealed class ListChildNodesTests
{
    [Fact]
    public void ScanMatchesDecode_ForFlatNodesAndHashTries()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var tree = Tree.Empty;
        for (var i = 0; i < 3_000; i++)
        {
            tree = tree.Add($"d{i % 40}/s{i % 7}/k{i}", repo.Encode("v" + i));
        }

        tree = tree.Add("top", repo.Encode("a file beside the directories"));
        var commit = repo.Commit(tree, [], repo.Info("shapes"));
        var checkedNodes = 0;
        foreach (var hash in ObjectGraph.Reachable(repo.Objects, [commit.Hash]))
        {
            var raw = repo.Objects.ReadRaw(hash);
            if (NativeSchema.Instance.KindOf(raw.Span, hash) is not (ObjectKind.Node or ObjectKind.Inode))
            {
                continue;
            }

            var node = NativeSchema.Instance.DecodeNode(raw, hash);
            var expected = node.IsInner ? [.. node.Children] : node.Entries.Where(e => e.Kind == EntryKind.Node).Select(e => e.Hash).ToList();
            var scanned = new List<Hash>();
            NativeSchema.Instance.ListChildNodes(raw, hash, scanned);
            Assert.Equal(expected, scanned);
            checkedNodes++;
        }

        Assert.True(checkedNodes > 100);
    }

    [Fact]
    public void Scan_RefusesWhatIsNotANode()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance);
        var contents = repo.Objects.WriteContents(repo.Encode("x"));
        Assert.Throws<CorruptDataException>(() => NativeSchema.Instance.ListChildNodes(repo.Objects.ReadRaw(contents), contents, []));
        byte[] truncated = [(byte)ObjectKind.Node, 0x92];
        Assert.Throws<CorruptDataException>(() => NativeSchema.Instance.ListChildNodes(truncated, default, []));
    }
}
