namespace IrminSharp.Backends.Block;

/// <summary>Argument checks shared by every device.</summary>
internal static class BlockRange
{
    public static void Check(IBlockDevice device, long sector, int length, bool write)
    {
        if (length <= 0 || length % device.SectorSize != 0)
        {
            throw new ArgumentException($"A transfer is a positive multiple of the {device.SectorSize}-byte sector, not {length} bytes.", nameof(length));
        }

        if (sector < 0 || sector + (length / device.SectorSize) > device.SectorCount)
        {
            throw new ArgumentOutOfRangeException(nameof(sector), $"Sectors {sector}..{sector + (length / device.SectorSize)} are outside the device's {device.SectorCount}.");
        }

        if (write && device.IsReadOnly)
        {
            throw new IOException("The device is read-only.");
        }
    }
}
