namespace IrminSharp.Backends.Block;

/// <summary>How to open a regular file as a block device.</summary>
public sealed class FileBlockDeviceOptions
{
    private readonly int sectorSize = 4096;

    /// <summary>The sector size: 512, 1024, 2048 or 4096 bytes (default 4096).</summary>
    public int SectorSize
    {
        get => sectorSize;
        init => sectorSize = value is 512 or 1024 or 2048 or 4096 ? value : throw new ArgumentOutOfRangeException(nameof(value), "The sector size is 512, 1024, 2048 or 4096.");
    }

    /// <summary>
    /// When positive and the file does not exist, create it (sparse) with this many sectors. An
    /// existing file is opened as it is. Zero (the default): the file must exist.
    /// </summary>
    public long CreateSectors { get; init; }

    /// <summary>Open for reading only.</summary>
    public bool ReadOnly { get; init; }
}
