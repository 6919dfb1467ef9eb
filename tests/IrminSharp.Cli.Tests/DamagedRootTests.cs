using System.Buffers.Binary;
using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary>
/// A store whose newest root is damaged: writers refuse with a clear line, readers read the
/// previous root, fsck names the damage, and only <c>fsck --recover</c> makes the previous root
/// current.
/// </summary>
public sealed class DamagedRootTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void DamagedNewestRoot_WritersRefuse_ReadersFallBack_RecoverIsExplicit()
    {
        Run(0, "init", "--contents", "counter");
        Run(0, "set", "k", "1");
        Run(0, "set", "k", "2");
        DamageNewestRefs(Path.Combine(dir, ".irmin", "store.pack"));

        var refused = Run(1, "set", "k", "3");
        Assert.Contains("previous root", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.Equal("1", Run(0, "get", "k").Out.Trim());
        Assert.Contains("newest root", Run(1, "fsck").Out, StringComparison.Ordinal);

        var recovered = Run(0, "fsck", "--recover");
        Assert.Contains("recovered", recovered.Error, StringComparison.Ordinal);
        Run(0, "set", "k", "5");
        Assert.Equal("5", Run(0, "get", "k").Out.Trim());
        Assert.Contains("no problems", Run(0, "fsck").Out, StringComparison.Ordinal);
    }

    private Irmin.Result Run(int exitCode, params string[] args)
    {
        var result = Irmin.Run(dir, args);
        Assert.True(result.ExitCode == exitCode, $"irmin {string.Join(' ', args)} exited {result.ExitCode}, not {exitCode}: {result.Error}{result.Out}");
        return result;
    }

    /// <summary>Flips a byte in the payload of the refs record the newest superblock names.</summary>
    private static void DamageNewestRefs(string pack)
    {
        using var file = new FileStream(pack, FileMode.Open, FileAccess.ReadWrite);
        var sectorSize = 0;
        long generation = -1, refsOffset = 0, sectors = 0;
        var superblock = new byte[512];
        for (var i = 0; i < 2; i++)
        {
            // Sector size from the first superblock found; both copies agree.
            file.Position = i * (sectorSize == 0 ? 4096 : sectorSize);
            file.ReadExactly(superblock);
            if (!superblock.AsSpan(0, 8).SequenceEqual("IRMNPAK1"u8))
            {
                continue;
            }

            sectorSize = BinaryPrimitives.ReadInt32LittleEndian(superblock.AsSpan(12));
            var g = BinaryPrimitives.ReadInt64LittleEndian(superblock.AsSpan(16));
            if (g > generation)
            {
                generation = g;
                sectors = BinaryPrimitives.ReadInt64LittleEndian(superblock.AsSpan(24));
                refsOffset = BinaryPrimitives.ReadInt64LittleEndian(superblock.AsSpan(48));
            }
        }

        Assert.True(generation > 0, "no superblock found");
        var capacity = (sectors - 2) * sectorSize;
        file.Position = (2L * sectorSize) + (refsOffset % capacity) + 44 + 1;
        var b = file.ReadByte();
        file.Position--;
        file.WriteByte((byte)(b ^ 0x10));
    }
}
