using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>
/// Edges the device tests left open, found by mutation testing (docs/testing.md, "Mutation
/// testing"): the exact sector ranges a targeted fault covers, zero-count and out-of-range fault
/// requests, argument checks that must name the argument rather than fail later, and the messages
/// a sweep prints when a fault fires.
/// </summary>
public sealed class DeviceEdgeTests
{
    private const int Sector = 512;

    private static FaultInjectingBlockDevice NewDevice() => new(new MemoryBlockDevice(Sector, 32));

    private static byte[] Sectors(int count) => new byte[Sector * count];

    [Fact]
    public void A_targeted_fault_on_the_sector_just_past_a_transfer_spares_it()
    {
        using var device = NewDevice();
        device.FailNextReads(1, sector: 4);
        device.FailNextWrites(1, sector: 4);
        device.FailWrite(6);

        device.Read(2, Sectors(2));   // sectors 2..3
        device.Write(2, Sectors(2));
        Assert.Throws<IOException>(() => device.Write(4, Sectors(2)));  // sectors 4..5: the pending fault fires
        device.Write(4, Sectors(2));                                    // it was the only one
        Assert.Equal(1, device.InjectedWriteFaults);

        var read = Assert.Throws<IOException>(() => device.Read(3, Sectors(2)));
        Assert.Contains("at sector 4", read.Message, StringComparison.Ordinal);
        var sticky = Assert.Throws<IOException>(() => device.Write(5, Sectors(2)));
        Assert.Contains("injected write error at sector 6", sticky.Message, StringComparison.Ordinal);
        device.Write(7, Sectors(2));
    }

    [Fact]
    public void A_fault_count_of_zero_fails_nothing()
    {
        using var device = NewDevice();
        device.FailNextReads(0);
        device.FailNextWrites(0, sector: 3);
        device.FailNextFlushes(0);

        device.Read(0, Sectors(1));
        device.Write(3, Sectors(1));
        device.Flush();
        Assert.Equal(0, device.InjectedFaults);
    }

    [Fact]
    public void A_targeted_fault_must_name_a_sector_of_the_device()
    {
        using var device = NewDevice();
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNextReads(1, sector: -1));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNextWrites(1, sector: 32));
        Assert.Contains("The device has 32 sectors.", outside.Message, StringComparison.Ordinal);
        device.FailNextReads(1, sector: 0);
        device.FailNextWrites(1, sector: 31);
        Assert.Throws<IOException>(() => device.Read(0, Sectors(1)));
        Assert.Throws<IOException>(() => device.Write(31, Sectors(1)));
    }

    [Fact]
    public void Transient_fault_messages_name_the_sector_for_transfers_and_none_for_flushes()
    {
        using var device = NewDevice();
        device.FailNthRead(1);
        var nth = Assert.Throws<IOException>(() => device.Read(7, Sectors(1)));
        Assert.Contains("transient read error at sector 7 (read 1)", nth.Message, StringComparison.Ordinal);

        device.FailNthFlush(1);
        var nthFlush = Assert.Throws<IOException>(device.Flush);
        Assert.Contains("transient flush error (flush 1)", nthFlush.Message, StringComparison.Ordinal);

        device.FailNextWrites(2);
        var next = Assert.Throws<IOException>(() => device.Write(9, Sectors(1)));
        Assert.Contains("transient write error at sector 9 (1 more pending)", next.Message, StringComparison.Ordinal);

        device.FailNextFlushes(1);
        var nextFlush = Assert.Throws<IOException>(device.Flush);
        Assert.Contains("transient flush error (0 more pending)", nextFlush.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_power_cut_is_refused_and_a_flush_after_the_cut_says_so()
    {
        using var device = NewDevice();
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => device.FailAfterWrites = -1);
        Assert.Contains("A write count is not negative.", negative.Message, StringComparison.Ordinal);

        device.FailAfterWrites = 1;
        device.Write(0, Sectors(1));
        var flush = Assert.Throws<IOException>(device.Flush);
        Assert.Contains("injected fault: device lost power after 1 writes", flush.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heal_clears_sticky_write_errors()
    {
        using var device = NewDevice();
        device.FailWrite(2);
        Assert.Throws<IOException>(() => device.Write(2, Sectors(1)));
        device.Heal();
        device.Write(2, Sectors(1));
    }

    [Fact]
    public void Out_of_range_transfers_are_refused_with_the_sectors_they_asked_for()
    {
        using var device = new MemoryBlockDevice(Sector, 32);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => device.Read(31, Sectors(2)));
        Assert.Contains("Sectors 31..32 are outside the device's 32 sectors.", range.Message, StringComparison.Ordinal);

        var length = Assert.Throws<ArgumentException>(() => device.Read(0, new byte[100]));
        Assert.Contains("positive multiple of the 512-byte sector, not 100 bytes", length.Message, StringComparison.Ordinal);

        using var readOnly = MemoryBlockDevice.FromImage(new byte[Sector], Sector, readOnly: true);
        var write = Assert.Throws<IOException>(() => readOnly.Write(0, Sectors(1)));
        Assert.Contains("read-only", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_and_invalid_arguments_are_refused_where_they_are_passed()
    {
        Assert.Throws<ArgumentNullException>(() => new FaultInjectingBlockDevice(null!));
        Assert.Throws<ArgumentNullException>(() => MemoryBlockDevice.FromImage(null!, Sector));
        Assert.Throws<ArgumentNullException>(() => new WriteRecord(0, null!, 0));
        Assert.Throws<ArgumentNullException>(() => FileBlockDevice.Open(null!));
        Assert.Throws<ArgumentNullException>(() => BlockDevices.Open(null!));

        using var device = NewDevice();
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FlipBitOnRead(0, -1));

        var size = Assert.Throws<ArgumentException>(() => new MemoryBlockDevice(500, 4));
        Assert.Contains("512, 1024, 2048 or 4096", size.Message, StringComparison.Ordinal);
        var option = Assert.Throws<ArgumentOutOfRangeException>(() => new FileBlockDeviceOptions { SectorSize = 500 });
        Assert.Contains("512, 1024, 2048 or 4096", option.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_device_of_exactly_one_sector_opens_and_a_read_only_create_is_refused()
    {
        using var file = new TempFile();
        var create = Assert.Throws<ArgumentException>(() => FileBlockDevice.Open(file.Path, new FileBlockDeviceOptions { SectorSize = Sector, CreateSectors = 1, ReadOnly = true }));
        Assert.Contains("Cannot create a read-only device", create.Message, StringComparison.Ordinal);

        using (var created = FileBlockDevice.Open(file.Path, new FileBlockDeviceOptions { SectorSize = Sector, CreateSectors = 1 }))
        {
            Assert.Equal(1, created.SectorCount);
        }

        using var readOnly = FileBlockDevice.Open(file.Path, new FileBlockDeviceOptions { SectorSize = Sector, ReadOnly = true });
        Assert.Equal(1, readOnly.SectorCount);
        readOnly.Flush();
    }
}
