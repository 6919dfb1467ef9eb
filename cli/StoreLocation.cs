using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary>Where the store is: a pack file in a directory (<c>--root</c>) or a raw device (<c>--device</c>).</summary>
internal sealed class StoreLocation
{
    public const string PackFileName = "store.pack";

    private StoreLocation(string target, bool isDevice)
    {
        Target = target;
        IsDevice = isDevice;
    }

    /// <summary>The pack file or device path.</summary>
    public string Target { get; }

    public bool IsDevice { get; }

    public static StoreLocation From(string? root, string? device)
    {
        if (root is not null && device is not null)
        {
            throw new ArgumentException("give --root or --device, not both");
        }

        if (device is not null)
        {
            return new StoreLocation(device, isDevice: true);
        }

        var dir = root ?? Path.Combine(Directory.GetCurrentDirectory(), ".irmin");
        return new StoreLocation(Path.Combine(dir, PackFileName), isDevice: false);
    }

    /// <summary>Creates the store. A pack file is created sparse with <paramref name="sizeBytes"/>.</summary>
    public PackStore Create(string contentType, long sizeBytes)
    {
        IBlockDevice device;
        if (IsDevice)
        {
            device = OpenDevice(readOnly: false);
        }
        else
        {
            if (File.Exists(Target))
            {
                throw new IrminException($"a store already exists at {Path.GetDirectoryName(Target)}");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
            device = FileBlockDevice.Open(Target, new FileBlockDeviceOptions { CreateSectors = Math.Max(64, sizeBytes / 4096) });
        }

        return PackStore.Create(device, NativeSchema.Instance.Name, contentType, Options(device, readOnly: false), Target);
    }

    /// <summary>
    /// Opens the store, for writing or (taking no lock) for reading. With <paramref name="recover"/>,
    /// a writer whose newest root is damaged makes the previous root current instead of refusing.
    /// </summary>
    public PackStore Open(bool readOnly, bool recover = false)
    {
        if (!IsDevice && !File.Exists(Target))
        {
            throw new IrminException($"no store at {Path.GetDirectoryName(Target)} (run 'irmin init' first, or give --root/--device)");
        }

        IBlockDevice device = IsDevice
            ? OpenDevice(readOnly)
            : FileBlockDevice.Open(Target, new FileBlockDeviceOptions { ReadOnly = readOnly });
        return PackStore.Open(device, Options(device, readOnly, recover), Target);
    }

    // The device names its own writer lock (the file's path plus .lock, or /run/lock keyed by the
    // device number). Passing it explicitly keeps the lock whether or not the pack falls back to it.
    private static PackOptions Options(IBlockDevice device, bool readOnly, bool recover = false) =>
        new() { ReadOnly = readOnly, LockPath = device.WriterLockPath, RecoverDamagedRoot = recover };

    // A writable open is exclusive (O_EXCL); a refusal names the writer holding the device's lock.
    private LinuxBlockDevice OpenDevice(bool readOnly)
    {
        try
        {
            return LinuxBlockDevice.Open(Target, readOnly);
        }
        catch (DeviceBusyException e)
        {
            throw StoreLockedException.FromBusyDevice(Target, e);
        }
    }
}
