namespace IrminSharp.Backends.Block;

/// <summary>Argument checks shared by every device.</summary>
internal static class BlockRange
{
    public static void Check(IBlockDevice device, long sector, int length, bool write)
    {
        var size = device.SectorSize;
        if (length <= 0 || length % size != 0)
        {
            throw new ArgumentException($"A transfer is a positive multiple of the {size}-byte sector, not {length} bytes.", nameof(length));
        }

        var count = length / size;
        if (sector < 0 || sector > device.SectorCount - count)
        {
            throw new ArgumentOutOfRangeException(nameof(sector), sector, $"Sectors {sector}..{sector + count - 1} are outside the device's {device.SectorCount} sectors.");
        }

        if (write && device.IsReadOnly)
        {
            throw new IOException("The device is read-only.");
        }
    }
}
