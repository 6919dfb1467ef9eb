using System.IO.Compression;
using IrminSharp.Store;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Pieces of hostile transfers for the budget tests: contents objects of a chosen size, a delta
/// bomb (deltas of a few dozen bytes, each rebuilding a large valid object), a zlib bomb, and the
/// type bytes <see cref="HandBuiltMessage"/> does not name.
/// </summary>
public static class BudgetWire
{
    public const byte Stream = 14;
    public const byte ObjectsZlib = 15;
    public const byte StreamZlib = 16;

    /// <summary>A contents object of <paramref name="size"/> bytes: the kind byte, then random bytes from <paramref name="seed"/> (or zeros).</summary>
    public static byte[] Contents(int size, int? seed)
    {
        var bytes = new byte[size];
        if (seed is { } s)
        {
            new Random(s).NextBytes(bytes);
        }

        bytes[0] = 1; // ObjectKind.Contents
        return bytes;
    }

    public static Hash HashOf(ReadOnlySpan<byte> bytes) => NativeSchema.Instance.ComputeHash(bytes);

    /// <summary>
    /// <paramref name="count"/> deltas against <paramref name="baseObject"/>, the i-th naming all
    /// but the last i bytes of it: each a valid contents object, nearly as large as the base.
    /// </summary>
    public static (List<Hash> Hashes, List<WireObjectEntry> Entries) DeltaBomb(byte[] baseObject, int count)
    {
        var baseHash = HashOf(baseObject);
        var hashes = new List<Hash>();
        var entries = new List<WireObjectEntry>();
        for (var i = 1; i <= count; i++)
        {
            hashes.Add(HashOf(baseObject.AsSpan(0, baseObject.Length - i)));
            entries.Add(new WireObjectEntry(ReadOnlyMemory<byte>.Empty, baseHash, baseObject.Length - i, 0));
        }

        return (hashes, entries);
    }

    /// <summary>A body compressed with zlib.</summary>
    public static byte[] Zlib(byte[] body)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Sends the first bytes of a frame announcing <paramref name="length"/> bytes, then one byte
    /// every <paramref name="every"/> until the other side closes or <paramref name="limit"/> passes.
    /// True when the other side closed first.
    /// </summary>
    public static async Task<bool> TrickleAsync(PeerLink link, byte type, int length, TimeSpan every, TimeSpan limit)
    {
        var header = new byte[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, type };
        await link.SendRawAsync(header);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sent = 0;
        while (clock.Elapsed < limit && sent < length - 2)
        {
            await Task.Delay(every);
            try
            {
                await link.SendRawAsync(new byte[] { 0 });
            }
            catch (System.Net.Sockets.SocketException)
            {
                return true;
            }

            sent++;
        }

        return await link.ClosedByPeerAsync();
    }
}
