using System.Buffers;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Backends.Pack;

/// <summary>The refs record's payload: a MessagePack map from ref name (str) to hash (bin).</summary>
internal static class RefsRecord
{
    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, Hash>> refs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(refs.Count);
        var hashBytes = new byte[Hash.MaxLength];
        foreach (var (name, value) in refs)
        {
            writer.Write(name);
            value.CopyTo(hashBytes);
            writer.Write(hashBytes.AsSpan(0, value.Length));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="CorruptDataException">The payload is not a refs table.</exception>
    public static RefTable Decode(byte[] payload, string where, long position)
    {
        var refs = new RefTable();
        try
        {
            var reader = new MessagePackReader(payload);
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString() ?? throw new CorruptDataException(where, position, "a ref name is nil");
                var bytes = reader.ReadBytes() ?? throw new CorruptDataException(where, position, "a ref value is nil");
                refs.Set(name, Hash.FromBytes(bytes.ToArray()));
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or ArgumentException)
        {
            throw new CorruptDataException(where, position, "the refs table is malformed", e);
        }

        return refs;
    }
}
