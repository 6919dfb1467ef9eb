using System.Buffers;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Sync;

/// <summary>
/// Bodies of the protocol's messages, written and read by hand with MessagePack's primitive
/// writer and reader (no reflection, so NativeAOT-safe). Every read checks the shape and sizes
/// and raises <see cref="SyncException"/> of kind <see cref="SyncErrorKind.Protocol"/> on a
/// malformed body. See docs/protocol/sync.md.
/// </summary>
internal static class MessageCodec
{
    public const int ProtocolVersion = 1;
    private const int MaxNameChars = 1024;

    public static void Write(IBufferWriter<byte> buffer, HelloMessage hello)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(5);
        w.Write(hello.Version);
        w.Write(hello.Schema);
        w.Write(hello.ContentType);
        w.Write(hello.Store);
        WriteNames(ref w, hello.Capabilities);
        w.Flush();
    }

    /// <summary>Reads hello; a hello without the trailing capabilities announces none.</summary>
    public static HelloMessage ReadHello(Frame frame, string peer) => Read(frame, peer, "hello", (ref MessagePackReader r) =>
    {
        var n = r.ReadArrayHeader();
        Expect(n is 4 or 5);
        return new HelloMessage(r.ReadInt32(), ReadName(ref r), ReadName(ref r), ReadName(ref r), n == 5 ? ReadNames(ref r) : []);
    });

    public static void Write(IBufferWriter<byte> buffer, WelcomeMessage welcome)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(4);
        w.Write(welcome.Version);
        w.Write(welcome.Schema);
        w.Write(welcome.ContentType);
        WriteNames(ref w, welcome.Capabilities);
        w.Flush();
    }

    /// <summary>Reads welcome; a welcome without the trailing capabilities announces none.</summary>
    public static WelcomeMessage ReadWelcome(Frame frame, string peer) => Read(frame, peer, "welcome", (ref MessagePackReader r) =>
    {
        var n = r.ReadArrayHeader();
        Expect(n is 3 or 4);
        return new WelcomeMessage(r.ReadInt32(), ReadName(ref r), ReadName(ref r), n == 4 ? ReadNames(ref r) : []);
    });

    public static void Write(IBufferWriter<byte> buffer, ErrorMessage error)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        w.Write(error.Kind.ToString().ToLowerInvariant());
        w.Write(error.Message);
        w.Flush();
    }

    public static ErrorMessage ReadError(Frame frame, string peer) => Read(frame, peer, "error", (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader() == 2);
        var code = ReadName(ref r);
        var message = ReadName(ref r);
        var kind = Enum.TryParse<SyncErrorKind>(code, ignoreCase: true, out var k) ? k : SyncErrorKind.Refused;
        return new ErrorMessage(kind, message);
    });

    /// <summary>An empty body (list-refs, end, push).</summary>
    public static void WriteEmpty(IBufferWriter<byte> buffer)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(0);
        w.Flush();
    }

    public static void ReadEmpty(Frame frame, string peer) => Read(frame, peer, ((MessageType)frame.Type).ToString().ToLowerInvariant(), (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader() == 0);
        return 0;
    });

    public static void Write(IBufferWriter<byte> buffer, IReadOnlyList<KeyValuePair<string, Hash>> refs)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(refs.Count);
        foreach (var (name, hash) in refs)
        {
            w.WriteArrayHeader(2);
            w.Write(name);
            WriteHash(ref w, hash);
        }

        w.Flush();
    }

    public static List<KeyValuePair<string, Hash>> ReadRefs(Frame frame, string peer, int hashSize, int maxRefs = int.MaxValue) => Read(frame, peer, "refs", (ref MessagePackReader r) =>
    {
        var n = r.ReadArrayHeader();
        if (n > maxRefs)
        {
            throw new SyncException(SyncErrorKind.Refused, $"{peer} lists {n} refs, more than the {maxRefs} accepted (SyncLimits.MaxRefs)");
        }

        var refs = new List<KeyValuePair<string, Hash>>(Math.Min(n, 1024));
        for (var i = 0; i < n; i++)
        {
            Expect(r.ReadArrayHeader() == 2);
            var name = ReadName(ref r);
            InvalidRefNameException.Validate(name);
            refs.Add(new(name, ReadHash(ref r, hashSize)));
        }

        return refs;
    });

    public static void Write(IBufferWriter<byte> buffer, FetchMessage fetch)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        WriteHashes(ref w, fetch.Wants);
        WriteHashes(ref w, fetch.Haves);
        w.Flush();
    }

    public static FetchMessage ReadFetch(Frame frame, string peer, int hashSize) => Read(frame, peer, "fetch", (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader() == 2);
        return new FetchMessage(ReadHashes(ref r, hashSize), ReadHashes(ref r, hashSize));
    });

    /// <summary>An offer: the hashes, concatenated in one binary.</summary>
    public static void WriteOffer(IBufferWriter<byte> buffer, IReadOnlyList<MissingObject> objects, int start, int count)
    {
        var w = new MessagePackWriter(buffer);
        var size = count == 0 ? 0 : objects[start].Hash.Length;
        w.WriteBinHeader(count * size);
        var span = w.GetSpan(count * size);
        for (var i = 0; i < count; i++)
        {
            objects[start + i].Hash.CopyTo(span.Slice(i * size, size));
        }

        w.Advance(count * size);
        w.Flush();
    }

    public static List<Hash> ReadOffer(Frame frame, string peer, int hashSize, int maxHashes) => Read(frame, peer, "offer", (ref MessagePackReader r) =>
    {
        var bytes = r.ReadBytes() ?? throw new MessagePackSerializationException("nil offer");
        Expect(bytes.Length % hashSize == 0 && bytes.Length / hashSize <= maxHashes);
        var flat = bytes.ToArray();
        var hashes = new List<Hash>(flat.Length / hashSize);
        for (var i = 0; i < flat.Length; i += hashSize)
        {
            hashes.Add(Hash.FromBytes(flat.AsSpan(i, hashSize)));
        }

        return hashes;
    });

    /// <summary>A need: one bit per offered hash, set when the receiver lacks it.</summary>
    public static void WriteNeed(IBufferWriter<byte> buffer, ReadOnlySpan<byte> bitmap)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(bitmap);
        w.Flush();
    }

    public static byte[] ReadNeed(Frame frame, string peer, int offered) => Read(frame, peer, "need", (ref MessagePackReader r) =>
    {
        var bytes = r.ReadBytes() ?? throw new MessagePackSerializationException("nil need");
        Expect(bytes.Length == (offered + 7) / 8);
        return bytes.ToArray();
    });

    /// <summary>Writes an objects message: each entry whole (a binary) or a delta ([base, prefix, suffix, middle]).</summary>
    public static void WriteObjects(IBufferWriter<byte> buffer, List<ObjectEntry> entries)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Base is { } b)
            {
                w.WriteArrayHeader(4);
                WriteHash(ref w, b);
                w.Write(entry.Prefix);
                w.Write(entry.Suffix);
            }

            w.Write(entry.Bytes.Span);
        }

        w.Flush();
    }

    /// <summary>The entries of an objects message, in the order they were needed; their bytes are slices of the frame.</summary>
    public static List<ObjectEntry> ReadObjects(Frame frame, string peer, int hashSize, int maxObjectBytes)
    {
        var entries = new List<ObjectEntry>();
        Read(frame, peer, "objects", (ref MessagePackReader r) =>
        {
            var n = r.ReadArrayHeader();
            for (var i = 0; i < n; i++)
            {
                Hash? deltaBase = null;
                int prefix = 0, suffix = 0;
                if (r.NextMessagePackType == MessagePackType.Array)
                {
                    Expect(r.ReadArrayHeader() == 4);
                    deltaBase = ReadHash(ref r, hashSize);
                    prefix = r.ReadInt32();
                    suffix = r.ReadInt32();
                    Expect(prefix >= 0 && suffix >= 0);
                }

                var bytes = r.ReadBytes() ?? throw new MessagePackSerializationException("nil object");
                if (bytes.Length + (long)prefix + suffix > maxObjectBytes)
                {
                    throw new SyncException(SyncErrorKind.Protocol, $"{peer} sent an object of {bytes.Length + (long)prefix + suffix} bytes (limit {maxObjectBytes})");
                }

                var slice = frame.Body.Slice((int)r.Consumed - (int)bytes.Length, (int)bytes.Length);
                entries.Add(new ObjectEntry(slice, deltaBase, prefix, suffix));
            }

            return 0;
        });
        return entries;
    }

    public static void Write(IBufferWriter<byte> buffer, RefUpdateMessage update)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(4);
        w.Write(update.Name);
        if (update.Expected is { } expected)
        {
            WriteHash(ref w, expected);
        }
        else
        {
            w.WriteNil();
        }

        WriteHash(ref w, update.Desired);
        w.Write(update.Force);
        w.Flush();
    }

    public static RefUpdateMessage ReadRefUpdate(Frame frame, string peer, int hashSize) => Read(frame, peer, "ref update", (ref MessagePackReader r) =>
    {
        Expect(r.ReadArrayHeader() == 4);
        var name = ReadName(ref r);
        InvalidRefNameException.Validate(name);
        Hash? expected = r.TryReadNil() ? null : ReadHash(ref r, hashSize);
        return new RefUpdateMessage(name, expected, ReadHash(ref r, hashSize), r.ReadBoolean());
    });

    public static void WriteHashOnly(IBufferWriter<byte> buffer, Hash hash)
    {
        var w = new MessagePackWriter(buffer);
        WriteHash(ref w, hash);
        w.Flush();
    }

    public static Hash ReadHashOnly(Frame frame, string peer, int hashSize) =>
        Read(frame, peer, "ref updated", (ref MessagePackReader r) => ReadHash(ref r, hashSize));

    private delegate TResult BodyReader<TResult>(ref MessagePackReader reader);

    private static TResult Read<TResult>(Frame frame, string peer, string what, BodyReader<TResult> read)
    {
        try
        {
            var reader = new MessagePackReader(frame.Body);
            var result = read(ref reader);
            Expect(reader.End);
            return result;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidRefNameException or OverflowException or InvalidOperationException or ArgumentException)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{peer} sent a malformed {what} message", e);
        }
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new MessagePackSerializationException("unexpected shape");
        }
    }

    private static string ReadName(ref MessagePackReader r)
    {
        var s = r.ReadString() ?? throw new MessagePackSerializationException("nil string");
        Expect(s.Length <= MaxNameChars * 4);
        return s;
    }

    private static void WriteNames(ref MessagePackWriter w, IReadOnlyList<string> names)
    {
        w.WriteArrayHeader(names.Count);
        foreach (var name in names)
        {
            w.Write(name);
        }
    }

    private static List<string> ReadNames(ref MessagePackReader r)
    {
        var n = r.ReadArrayHeader();
        Expect(n <= 64);
        var names = new List<string>(n);
        for (var i = 0; i < n; i++)
        {
            names.Add(ReadName(ref r));
        }

        return names;
    }

    private static void WriteHash(ref MessagePackWriter w, Hash hash)
    {
        w.WriteBinHeader(hash.Length);
        hash.CopyTo(w.GetSpan(hash.Length));
        w.Advance(hash.Length);
    }

    private static Hash ReadHash(ref MessagePackReader r, int hashSize)
    {
        var bytes = r.ReadBytes() ?? throw new MessagePackSerializationException("nil hash");
        Expect(bytes.Length == hashSize);
        Span<byte> span = stackalloc byte[Hash.MaxLength];
        bytes.CopyTo(span);
        return Hash.FromBytes(span[..hashSize]);
    }

    private static void WriteHashes(ref MessagePackWriter w, IReadOnlyList<Hash> hashes)
    {
        w.WriteArrayHeader(hashes.Count);
        foreach (var hash in hashes)
        {
            WriteHash(ref w, hash);
        }
    }

    private static List<Hash> ReadHashes(ref MessagePackReader r, int hashSize)
    {
        var n = r.ReadArrayHeader();
        Expect(n <= 65536);
        var hashes = new List<Hash>(n);
        for (var i = 0; i < n; i++)
        {
            hashes.Add(ReadHash(ref r, hashSize));
        }

        return hashes;
    }
}
