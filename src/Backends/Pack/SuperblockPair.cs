using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// The two superblock copies in sectors 0 and 1: generation g lives in sector g mod 2, and the
/// valid copy with the higher generation is the root. See docs/formats/pack.md.
/// </summary>
internal static class SuperblockPair
{
    /// <summary>
    /// The valid copies, newest first. A copy that is absent, torn or fails its CRC is left out;
    /// a read that fails is an <see cref="IOException"/>, never taken for a missing copy (else a
    /// transient error would hide the newest root and the next write would overwrite it).
    /// </summary>
    public static List<Superblock> ReadValid(IBlockDevice device) => ReadValid(device, out _);

    /// <summary>
    /// The valid copies, newest first, and in <paramref name="damaged"/> the sector of a copy that
    /// holds data but is not a valid superblock for its sector (a torn write or corruption), if any.
    /// A zeroed sector (sector 0 of a pack that has written only its first root) is not damage.
    /// </summary>
    public static List<Superblock> ReadValid(IBlockDevice device, out long? damaged)
    {
        var found = new List<Superblock>(2);
        var sector = new byte[device.SectorSize];
        damaged = null;
        for (var i = 0; i < 2; i++)
        {
            device.Read(i, sector);
            if (Superblock.TryRead(sector) is { } sb && sb.Generation % 2 == i)
            {
                found.Add(sb);
            }
            else if (sector.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
            {
                damaged = i;
            }
        }

        found.Sort(static (a, b) => b.Generation.CompareTo(a.Generation));
        return found;
    }

    /// <summary>Writes <paramref name="next"/> to its sector and flushes: once this returns, it is the root.</summary>
    public static void Write(IBlockDevice device, Superblock next)
    {
        var sector = new byte[device.SectorSize];
        next.Write(sector);
        device.Write(next.Generation % 2, sector);
        device.Flush();
    }

    /// <summary>Formats an empty pack: generation 1 in sector 1, sector 0 zeroed.</summary>
    public static void Format(IBlockDevice device, string schema, string contentType)
    {
        if (device.SectorSize < Superblock.Size || device.SectorCount < 16)
        {
            throw new ArgumentException($"A pack needs at least 16 sectors of at least {Superblock.Size} bytes; the device has {device.SectorCount} of {device.SectorSize}.", nameof(device));
        }

        var sb = new Superblock(1, device.SectorSize, device.SectorCount, 0, 0, 0, 0, 0, 0, 0, 0, 0, schema, contentType);
        var sector = new byte[device.SectorSize];
        sb.Write(sector);
        device.Write(1, sector);
        Array.Clear(sector);
        device.Write(0, sector);
        device.Flush();
    }

    /// <summary>Throws unless the root fits the device it is on.</summary>
    public static void CheckGeometry(Superblock candidate, IBlockDevice device, string where)
    {
        if (candidate.SectorSize != device.SectorSize || candidate.DeviceSectors > device.SectorCount)
        {
            throw new CorruptDataException(where, 0, $"the pack was made for {candidate.DeviceSectors} sectors of {candidate.SectorSize} bytes; the device has {device.SectorCount} of {device.SectorSize}");
        }
    }
}
