using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Each of the checks on an object read, alone: the record CRC when the record is read, the
/// record CRC in the tail scan, and the object hash. The bit-flip sweeps mostly see one check
/// masked by another; each test here damages a record so that only one check can catch it.
/// </summary>
public sealed class VerifiedReadTests
{
    [Fact]
    public void ObjectRead_RecordWhoseChecksumFieldIsDamaged_IsRefusedNamingTheObject()
    {
        // The object is covered by a checkpoint, so opening never scans its record: only the read's
        // own CRC check sees the damage (its header hash, kind, length and payload are intact).
        var (image, hash, position) = StoreWithContents(checkpointed: true);
        image[RecordByte(position) + 40] ^= 0x04;
        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        var e = Assert.Throws<CorruptDataException>(() => pack.Objects.TryRead(hash, out _));
        Assert.Equal(hash, e.Object);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TailScan_StopsAtARecordWithABadChecksum_AndFsckNamesIt()
    {
        var (image, hash, position) = StoreWithContents(checkpointed: false);
        image[RecordByte(position) + RecordHeader.Size] ^= 0x01;
        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });

        var findings = new List<(long Position, LogScanner.Finding Finding)>();
        new LogScanner(pack.File.Log).Scan(pack.File.Current.LogStart, pack.File.Current.LogEnd, (at, finding, _, _) => findings.Add((at, finding)));
        Assert.Contains((position, LogScanner.Finding.ChecksumMismatch), findings);
        Assert.DoesNotContain((position, LogScanner.Finding.Record), findings);

        // Opening skipped it: the object is not indexed, and reading it is an error naming it.
        Assert.False(pack.File.TryLocate(hash, out _));
        var e = Assert.Throws<CorruptDataException>(() => pack.Objects.TryRead(hash, out _));
        Assert.Equal(hash, e.Object);
        Assert.Contains(pack.Fsck(NativeSchema.Instance).Problems, p => p.Offset == position && p.Description == "checksum mismatch");
    }

    [Fact]
    public void TailScan_ADamagedRecordEndingExactlyAtTheLogEnd_IsAMismatch()
    {
        // A batch whose last record fills its last sector ends the log with no padding after it:
        // a torn or damaged last record must not pass as whole because nothing follows it.
        var (image, _, position) = StoreWithContents(checkpointed: false);
        var header = RecordHeader.TryParse(image.AsSpan((int)RecordByte(position), RecordHeader.Size))!.Value;
        image[RecordByte(position) + RecordHeader.Size] ^= 0x01;
        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });

        var findings = new List<(long Position, LogScanner.Finding Finding)>();
        new LogScanner(pack.File.Log).Scan(pack.File.Current.LogStart, position + header.TotalLength, (at, finding, _, _) => findings.Add((at, finding)));
        Assert.Equal((position, LogScanner.Finding.ChecksumMismatch), findings[^1]);
    }

    [Fact]
    public void TailScan_ASupersededRefsRecordWithABadChecksum_IsNamedByFsck()
    {
        // Only the scan reads a refs record no root's chain reaches any more.
        var device = PackFixture.NewDevice(sectors: 256);
        long first;
        using (var pack = PackFixture.Create(device))
        using (var repo = PackFixture.Repo(pack))
        {
            repo.Main.Set("k", 1);
            first = pack.File.Current.RefsOffset;
            repo.Main.Set("k", 2);

            // A checkpoint writes a full refs table: the chain no longer reaches back to the first.
            pack.File.WriteCheckpoint();
            repo.Main.Set("k", 3);
            Assert.NotEqual(first, pack.File.Current.RefsOffset);
        }

        var image = device.SnapshotImage();
        image[RecordByte(first) + RecordHeader.Size + 2] ^= 0x20;
        using var reader = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        Assert.Null(reader.RecoveryNote);
        Assert.Equal(3, PackFixture.Repo(reader).Main.Get("k"));
        Assert.Contains(reader.Fsck(NativeSchema.Instance).Problems, p => p.Offset == first && p.Description == "checksum mismatch");
    }

    [Fact]
    public void ObjectRead_RecordWithAValidChecksumButOtherContent_IsRefusedNamingTheObject()
    {
        // The record is rewritten whole, CRC included, around a changed payload: only the hash of
        // what was read can tell it is not the object its header names.
        var (image, hash, position) = StoreWithContents(checkpointed: true);
        RewriteAroundOtherContent(image, position, hash);

        using var pack = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        using var repo = PackFixture.Repo(pack);
        var e = Assert.Throws<CorruptDataException>(() => repo.Main.Get("k"));
        Assert.Equal(hash, e.Object);
        Assert.Contains(pack.Fsck(NativeSchema.Instance).Problems, p => p.Subject.Contains(hash.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void CommitRead_RecordWithAValidChecksumButOtherContent_IsCorruptDataNamingTheCommit()
    {
        // As above, for the head commit: both ways a commit is read (TryReadCommit, used by sync
        // and history walks, and ReadCommit) must check the hash of what was read.
        var device = PackFixture.NewDevice(sectors: 256);
        Hash hash;
        Location location;
        using (var pack = PackFixture.Create(device))
        using (var repo = PackFixture.Repo(pack))
        {
            repo.Main.Set("k", 1);
            hash = repo.Main.Set("k", 2).Hash;
            Assert.True(pack.File.TryLocate(hash, out location));
        }

        var image = device.SnapshotImage();
        RewriteAroundOtherContent(image, location.Offset, hash);

        using var reopened = PackFixture.Reopen(image, new PackOptions { ReadOnly = true });
        using var again = PackFixture.Repo(reopened);
        var tried = Assert.Throws<CorruptDataException>(() => again.Objects.TryReadCommit(hash, out _));
        Assert.Equal(hash, tried.Object);
        var read = Assert.Throws<CorruptDataException>(() => again.Objects.ReadCommit(hash));
        Assert.Equal(hash, read.Object);
    }

    /// <summary>A pack whose "k" holds 5, the hash of that contents object, and its record's log position.</summary>
    private static (byte[] Image, Hash Hash, long Position) StoreWithContents(bool checkpointed)
    {
        var device = PackFixture.NewDevice(sectors: 256);
        Hash hash;
        Location location;
        using (var pack = PackFixture.Create(device))
        using (var repo = PackFixture.Repo(pack))
        {
            repo.Main.Set("other", 1);
            repo.Main.Set("k", 5);
            hash = repo.Objects.HashContents(repo.Encode(5));
            if (checkpointed)
            {
                pack.File.WriteCheckpoint();
                Assert.True(pack.File.Current.CheckpointCovers > 0);
            }

            Assert.True(pack.File.TryLocate(hash, out location));
        }

        return (device.SnapshotImage(), hash, location.Offset);
    }

    /// <summary>
    /// Rewrites the object record at log position <paramref name="position"/> whole, CRC included,
    /// around its payload with the last bit changed: only a hash check of what is read can tell.
    /// </summary>
    private static void RewriteAroundOtherContent(byte[] image, long position, Hash hash)
    {
        var at = RecordByte(position);
        var header = RecordHeader.TryParse(image.AsSpan((int)at, RecordHeader.Size))!.Value;
        var payload = image.AsSpan((int)at + RecordHeader.Size, header.PayloadLength).ToArray();
        payload[^1] ^= 0x01;
        RecordHeader.WriteRecord(image.AsSpan((int)at, header.TotalLength), RecordKind.Object, hash, payload);
    }

    /// <summary>The image byte where the record at log position <paramref name="position"/> starts (no wrap in these small logs).</summary>
    private static long RecordByte(long position) => (2L * PackFixture.Sector) + position;
}
