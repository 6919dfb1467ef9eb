using System.Buffers;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The refs journal record's payload: a MessagePack array of three, the location of the previous
/// refs record (offset, int; total length, int) and a map from each changed ref's name (str) to
/// its new hash (bin), or nil when it was deleted. See docs/formats/pack.md.
/// </summary>
internal static class RefsJournalRecord
{
    public static byte[] Encode(Location previous, IReadOnlyList<KeyValuePair<string, Hash?>> changes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(previous.Offset);
        writer.Write(previous.Length);
        writer.WriteMapHeader(changes.Count);
        var hashBytes = new byte[Hash.MaxLength];
        foreach (var (name, value) in changes)
        {
            writer.Write(name);
            if (value is { } v)
            {
                v.CopyTo(hashBytes);
                writer.Write(hashBytes.AsSpan(0, v.Length));
            }
            else
            {
                writer.WriteNil();
            }
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="CorruptDataException">The payload is not a refs journal record.</exception>
    public static (Location Previous, List<KeyValuePair<string, Hash?>> Changes) Decode(byte[] payload, string where, long position)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.ReadArrayHeader() != 3)
            {
                throw new CorruptDataException(where, position, "the refs journal record is not an array of three");
            }

            var previous = new Location(reader.ReadInt64(), reader.ReadInt32());
            var count = reader.ReadMapHeader();
            var changes = new List<KeyValuePair<string, Hash?>>(Math.Min(count, 65_536));
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString() ?? throw new CorruptDataException(where, position, "a journalled ref name is nil");
                Hash? value = reader.TryReadNil() ? null : Hash.FromBytes((reader.ReadBytes() ?? throw new CorruptDataException(where, position, "a journalled ref value is malformed")).ToArray());
                changes.Add(new(name, value));
            }

            return (previous, changes);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new CorruptDataException(where, position, "the refs journal record is malformed", e);
        }
    }
}
