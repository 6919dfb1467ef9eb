using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

/// <summary>
/// Golden encodings of the native schema, checked in under tests/TestData/objects. Current code
/// must decode each one, re-encode it to the same bytes, and hash it to its file name. Set
/// IRMIN_WRITE_GOLDEN=1 to write them anew (only when the format changes on purpose).
/// </summary>
public sealed class GoldenObjectTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "objects");

    private static Dictionary<string, byte[]> Expected()
    {
        var schema = NativeSchema.Instance;
        var objects = new Dictionary<string, byte[]>();
        byte[] Encode(Action<IBufferWriter<byte>> write)
        {
            var buffer = new ArrayBufferWriter<byte>();
            write(buffer);
            return buffer.WrittenSpan.ToArray();
        }

        var contents = Encode(w => schema.EncodeContents("hello"u8, w));
        objects["contents"] = contents;
        var leaf = NodeObject.Flat([
            new NodeEntry("a", EntryKind.Contents, schema.ComputeHash(contents)),
            new NodeEntry("b", EntryKind.Node, Hash.ComputeBlake3([]), 7),
        ]);
        objects["node"] = Encode(w => schema.EncodeNode(leaf, w));
        var db = new ObjectDatabase(new MemoryObjectStore(), schema);
        var wide = Enumerable.Range(0, 40).Aggregate(Tree.Empty, (t, i) => t.Add("f" + i, Encoding.UTF8.GetBytes("v" + i)));
        var wideHash = wide.Persist(db, persist: true);
        objects["inode"] = db.Store.TryRead(wideHash, out var inode) ? inode.ToArray() : throw new InvalidOperationException();
        var info = new CommitInfo("alice <alice@example.org>", "golden", 1_700_000_000);
        objects["commit"] = Encode(w => schema.EncodeCommit(wideHash, [schema.ComputeHash(contents)], info, 2, w));
        return objects;
    }

    [Fact]
    public void GoldenObjects_DecodeReencodeAndHashAsCheckedIn()
    {
        var expected = Expected();
        if (Environment.GetEnvironmentVariable("IRMIN_WRITE_GOLDEN") == "1")
        {
            var source = Path.Combine(FindRepositoryRoot(), "tests", "TestData", "objects");
            Directory.CreateDirectory(source);
            foreach (var (kind, bytes) in expected)
            {
                File.WriteAllBytes(Path.Combine(source, $"{kind}-{NativeSchema.Instance.ComputeHash(bytes)}.bin"), bytes);
            }
        }

        var files = Directory.GetFiles(Folder, "*.bin");
        Assert.Equal(expected.Count, files.Length);
        var schema = NativeSchema.Instance;
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var kind = name[..name.IndexOf('-', StringComparison.Ordinal)];
            var hash = Hash.Parse(name[(kind.Length + 1)..]);
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(hash, schema.ComputeHash(bytes));
            Assert.Equal(expected[kind], bytes);
            var again = new ArrayBufferWriter<byte>();
            switch (kind)
            {
                case "contents":
                    Assert.Equal("hello", Encoding.UTF8.GetString(schema.DecodeContents(bytes, hash).Span));
                    schema.EncodeContents(schema.DecodeContents(bytes, hash).Span, again);
                    break;
                case "node":
                case "inode":
                    schema.EncodeNode(schema.DecodeNode(bytes, hash), again);
                    break;
                case "commit":
                    var commit = schema.DecodeCommit(bytes, hash);
                    Assert.Equal(("alice <alice@example.org>", "golden", 1_700_000_000L, 2L), (commit.Info.Author, commit.Info.Message, commit.Info.Timestamp, commit.Height));
                    schema.EncodeCommit(commit.Root, commit.Parents, commit.Info, commit.Height, again);
                    break;
                default:
                    Assert.Fail("unknown golden kind " + kind);
                    break;
            }

            Assert.Equal(bytes, again.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void EveryTruncationOfAGoldenObject_IsCorruptData()
    {
        var schema = NativeSchema.Instance;
        foreach (var file in Directory.GetFiles(Folder, "*.bin").Where(f => !Path.GetFileName(f).StartsWith("contents", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(file);
            var hash = schema.ComputeHash(bytes);
            for (var length = 0; length < bytes.Length; length++)
            {
                var cut = bytes.AsMemory(0, length);
                Assert.Throws<CorruptDataException>(() =>
                {
                    if (Path.GetFileName(file).StartsWith("commit", StringComparison.Ordinal))
                    {
                        schema.DecodeCommit(cut, hash);
                    }
                    else
                    {
                        schema.DecodeNode(cut, hash);
                    }
                });
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IrminSharp.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
