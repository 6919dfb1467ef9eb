using System.Buffers;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// The protocol's type bytes and message bodies written by hand with <see cref="MessagePackWriter"/>,
/// independently of the library's codec, so scripted peers can say exactly what they like.
/// </summary>
public static class HandBuiltMessage
{
    public const byte Hello = 1;
    public const byte Welcome = 2;
    public const byte Error = 3;
    public const byte ListRefs = 4;
    public const byte Refs = 5;
    public const byte Fetch = 6;
    public const byte Offer = 7;
    public const byte Need = 8;
    public const byte Objects = 9;
    public const byte End = 10;
    public const byte Push = 11;
    public const byte RefUpdate = 12;
    public const byte RefUpdated = 13;

    private delegate void BodyWriter(ref MessagePackWriter writer);

    /// <summary>[version, schema, contentType, store].</summary>
    public static byte[] HelloBody(string schema, string contentType, string store = "default", int version = 1) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(4);
        w.Write(version);
        w.Write(schema);
        w.Write(contentType);
        w.Write(store);
    });

    /// <summary>[version, schema, contentType]: a welcome announcing no capabilities.</summary>
    public static byte[] WelcomeBody(string schema, string contentType, int version = 1) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.Write(version);
        w.Write(schema);
        w.Write(contentType);
    });

    /// <summary>[version, schema, contentType, [capability...]].</summary>
    public static byte[] WelcomeBody(string schema, string contentType, IReadOnlyList<string> capabilities) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(4);
        w.Write(1);
        w.Write(schema);
        w.Write(contentType);
        w.WriteArrayHeader(capabilities.Count);
        foreach (var capability in capabilities)
        {
            w.Write(capability);
        }
    });

    /// <summary>[version, schema, contentType, store, [capability...]].</summary>
    public static byte[] HelloBody(string schema, string contentType, IReadOnlyList<string> capabilities) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(5);
        w.Write(1);
        w.Write(schema);
        w.Write(contentType);
        w.Write("default");
        w.WriteArrayHeader(capabilities.Count);
        foreach (var capability in capabilities)
        {
            w.Write(capability);
        }
    });

    /// <summary>[] (list-refs, end, push).</summary>
    public static byte[] EmptyBody() => Write((ref MessagePackWriter w) => w.WriteArrayHeader(0));

    /// <summary>[[name, hash]...].</summary>
    public static byte[] RefsBody(IReadOnlyList<KeyValuePair<string, Hash>> refs) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(refs.Count);
        foreach (var (name, hash) in refs)
        {
            w.WriteArrayHeader(2);
            w.Write(name);
            w.Write(hash.ToArray());
        }
    });

    /// <summary>bin(the hashes concatenated).</summary>
    public static byte[] OfferBody(IEnumerable<Hash> hashes) => Write((ref MessagePackWriter w) =>
        w.Write(hashes.SelectMany(h => h.ToArray()).ToArray()));

    /// <summary>bin(bitmap), bit i set when offered hash i is lacked.</summary>
    public static byte[] NeedBody(ReadOnlySpan<byte> bitmap)
    {
        var copy = bitmap.ToArray();
        return Write((ref MessagePackWriter w) => w.Write(copy));
    }

    /// <summary>[bin(encoded object)...].</summary>
    public static byte[] ObjectsBody(IReadOnlyList<ReadOnlyMemory<byte>> objects) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(objects.Count);
        foreach (var bytes in objects)
        {
            w.Write(bytes.Span);
        }
    });

    /// <summary>[entry...]: each entry bin(object) or, for a delta, [base, prefix, suffix, bin(middle)].</summary>
    public static byte[] ObjectsBody(IReadOnlyList<WireObjectEntry> entries) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Base is { } deltaBase)
            {
                w.WriteArrayHeader(4);
                w.Write(deltaBase.ToArray());
                w.Write(entry.Prefix);
                w.Write(entry.Suffix);
            }

            w.Write(entry.Bytes.Span);
        }
    });

    /// <summary>[name, expected|nil, desired, force].</summary>
    public static byte[] RefUpdateBody(string name, Hash? expected, Hash desired, bool force) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(4);
        w.Write(name);
        if (expected is { } e)
        {
            w.Write(e.ToArray());
        }
        else
        {
            w.WriteNil();
        }

        w.Write(desired.ToArray());
        w.Write(force);
    });

    /// <summary>An error body: [kind, message].</summary>
    public static byte[] ErrorBody(string kind, string message) => Write((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(2);
        w.Write(kind);
        w.Write(message);
    });

    /// <summary>The (kind, message) of an error body.</summary>
    public static (string Kind, string Message) ReadError(ReadOnlyMemory<byte> body)
    {
        var reader = new MessagePackReader(body);
        if (reader.ReadArrayHeader() != 2)
        {
            throw new InvalidDataException("an error body is a 2-element array");
        }

        return (reader.ReadString() ?? "", reader.ReadString() ?? "");
    }

    /// <summary>The bitmap of a need body.</summary>
    public static byte[] ReadNeed(ReadOnlyMemory<byte> body)
    {
        var reader = new MessagePackReader(body);
        return reader.ReadBytes()?.ToArray() ?? throw new InvalidDataException("nil need");
    }

    private static byte[] Write(BodyWriter body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        body(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
