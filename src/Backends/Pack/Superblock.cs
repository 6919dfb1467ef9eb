using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The root of a pack: where the log starts and ends, where the refs and the index checkpoint
/// are. Two copies alternate in sectors 0 and 1; the valid one with the higher generation wins.
/// See docs/formats/pack.md.
/// </summary>
internal readonly record struct Superblock(
    long Generation,
    int SectorSize,
    long DeviceSectors,
    long LogStart,
    long LogEnd,
    long RefsOffset,
    int RefsLength,
    long CheckpointOffset,
    long CheckpointLength,
    long CheckpointCovers,
    long ObjectCount,
    int WriterPid,
    string Schema,
    string ContentType)
{
    public const int Size = 512;
    public const int Version = 1;
    private const int NameBytes = 32;
    private const int CrcOffset = Size - 4;
    private static ReadOnlySpan<byte> Magic => "IRMNPAK1"u8;

    public void Write(Span<byte> sector)
    {
        var s = sector[..Size];
        s.Clear();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], SectorSize);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], Generation);
        BinaryPrimitives.WriteInt64LittleEndian(s[24..], DeviceSectors);
        BinaryPrimitives.WriteInt64LittleEndian(s[32..], LogStart);
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], LogEnd);
        BinaryPrimitives.WriteInt64LittleEndian(s[48..], RefsOffset);
        BinaryPrimitives.WriteInt32LittleEndian(s[56..], RefsLength);
        BinaryPrimitives.WriteInt32LittleEndian(s[60..], WriterPid);
        BinaryPrimitives.WriteInt64LittleEndian(s[64..], CheckpointOffset);
        BinaryPrimitives.WriteInt64LittleEndian(s[72..], CheckpointLength);
        BinaryPrimitives.WriteInt64LittleEndian(s[80..], CheckpointCovers);
        BinaryPrimitives.WriteInt64LittleEndian(s[88..], ObjectCount);
        WriteName(s.Slice(96, NameBytes), Schema);
        WriteName(s.Slice(96 + NameBytes, NameBytes), ContentType);
        BinaryPrimitives.WriteUInt32LittleEndian(s[CrcOffset..], Crc32C(s[..CrcOffset]));
    }

    /// <summary>Reads a superblock copy; null when it is absent, torn or corrupt.</summary>
    public static Superblock? TryRead(ReadOnlySpan<byte> sector)
    {
        if (sector.Length < Size)
        {
            return null;
        }

        var s = sector[..Size];
        if (!s[..8].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(s[CrcOffset..]) != Crc32C(s[..CrcOffset])
            || BinaryPrimitives.ReadInt32LittleEndian(s[8..]) != Version)
        {
            return null;
        }

        return new Superblock(
            Generation: BinaryPrimitives.ReadInt64LittleEndian(s[16..]),
            SectorSize: BinaryPrimitives.ReadInt32LittleEndian(s[12..]),
            DeviceSectors: BinaryPrimitives.ReadInt64LittleEndian(s[24..]),
            LogStart: BinaryPrimitives.ReadInt64LittleEndian(s[32..]),
            LogEnd: BinaryPrimitives.ReadInt64LittleEndian(s[40..]),
            RefsOffset: BinaryPrimitives.ReadInt64LittleEndian(s[48..]),
            RefsLength: BinaryPrimitives.ReadInt32LittleEndian(s[56..]),
            CheckpointOffset: BinaryPrimitives.ReadInt64LittleEndian(s[64..]),
            CheckpointLength: BinaryPrimitives.ReadInt64LittleEndian(s[72..]),
            CheckpointCovers: BinaryPrimitives.ReadInt64LittleEndian(s[80..]),
            ObjectCount: BinaryPrimitives.ReadInt64LittleEndian(s[88..]),
            WriterPid: BinaryPrimitives.ReadInt32LittleEndian(s[60..]),
            Schema: ReadName(s.Slice(96, NameBytes)),
            ContentType: ReadName(s.Slice(96 + NameBytes, NameBytes)));
    }

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(data);
        return crc.GetCurrentHashAsUInt32();
    }

    private static void WriteName(Span<byte> destination, string name)
    {
        if (Encoding.UTF8.GetByteCount(name) > NameBytes)
        {
            throw new ArgumentException($"'{name}' is longer than {NameBytes} bytes.", nameof(name));
        }

        Encoding.UTF8.GetBytes(name, destination);
    }

    private static string ReadName(ReadOnlySpan<byte> source)
    {
        var end = source.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? source : source[..end]);
    }
}
