using IrminSharp.Backends.Block;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>Helpers to make packs on memory devices and reopen them from images.</summary>
internal static class PackFixture
{
    public const int Sector = 512;

    public static MemoryBlockDevice NewDevice(long sectors = 8192, bool record = false) => new(Sector, sectors, record);

    public static PackStore Create(IBlockDevice device, PackOptions? options = null) =>
        PackStore.Create(device, NativeSchema.Instance.Name, CounterContents.Instance.Name, options, "test pack");

    public static Repository<long> Repo(PackStore pack) =>
        Repository<long>.Open(pack.Objects, pack.Refs, CounterContents.Instance);

    public static PackStore Reopen(byte[] image, PackOptions? options = null, int sectorSize = Sector) =>
        PackStore.Open(MemoryBlockDevice.FromImage(image, sectorSize, recordWrites: false), options, "reopened pack");
}
