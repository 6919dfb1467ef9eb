using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A counter repository in a pack store on a real file, as sync sees it. Disposing closes the
/// pack, after which the file can be compared byte for byte.
/// </summary>
public sealed class PackOnFile : IDisposable
{
    private const long Sectors = 2048; // 8 MiB of 4 KiB sectors, sparse
    private const int SectorBytes = 4096;

    private PackOnFile(string path, PackStore pack)
    {
        Path = path;
        Pack = pack;
        Repository = Repository<long>.Open(pack.Objects, pack.Refs, CounterContents.Instance);
        Store = SyncStore.Of(Repository);
    }

    public string Path { get; }

    public PackStore Pack { get; }

    public Repository<long> Repository { get; }

    /// <summary>The sync view, made once so its node-depth cache lives as long as the store is open.</summary>
    public SyncStore Store { get; }

    /// <summary>Formats a new pack at <paramref name="path"/>.</summary>
    public static PackOnFile Create(string path) =>
        new(path, PackStore.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = Sectors }), NativeSchema.Instance.Name, CounterContents.Instance.Name, where: path));

    /// <summary>Opens the pack at <paramref name="path"/>.</summary>
    public static PackOnFile Open(string path) => new(path, PackStore.Open(FileBlockDevice.Open(path), where: path));

    /// <summary>The file's bytes now (the pack may be open: it is read with sharing).</summary>
    public static byte[] ReadBytes(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// The bytes the pack at <paramref name="path"/> has after one open and close with nothing
    /// done, computed on a copy. A writable open records the writer's pid in a new superblock
    /// generation, so this, not the file as it is, is what a session that changed nothing must
    /// leave behind. Asserts that the idle open and close changed nothing but the two superblock
    /// sectors.
    /// </summary>
    public static byte[] AfterIdleOpenAndClose(string path)
    {
        var copy = path + ".idle";
        File.Copy(path, copy, overwrite: true);
        using (Open(copy))
        {
        }

        var before = ReadBytes(path);
        var after = ReadBytes(copy);
        File.Delete(copy);
        Assert.Equal(before.Length, after.Length);
        var superblocks = 2 * SectorBytes;
        Assert.True(
            before.AsSpan(superblocks).SequenceEqual(after.AsSpan(superblocks)),
            "an open and a close with nothing done changed the pack beyond its superblocks");
        return after;
    }

    /// <summary>
    /// Asserts that the file at <paramref name="path"/> holds exactly <paramref name="before"/>,
    /// naming the first byte that differs.
    /// </summary>
    public static void AssertUnchanged(byte[] before, string path, string after)
    {
        var now = ReadBytes(path);
        var common = Math.Min(before.Length, now.Length);
        var first = before.AsSpan(0, common).CommonPrefixLength(now.AsSpan(0, common));
        Assert.True(
            before.Length == now.Length && first == common,
            $"the pack file changed after {after}: {before.Length} → {now.Length} bytes, first difference at byte {first}");
    }

    public void Dispose()
    {
        Repository.Dispose();
        Pack.Dispose();
    }
}
