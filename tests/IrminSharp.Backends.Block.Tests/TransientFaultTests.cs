using Xunit;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>The fault-injecting device's transient faults: they fail a counted number of operations, then heal by themselves.</summary>
public sealed class TransientFaultTests
{
    private const int Sector = 512;

    private static byte[] Filled(byte value, int sectors = 1) => Enumerable.Repeat(value, Sector * sectors).ToArray();

    private static (FaultInjectingBlockDevice Device, MemoryBlockDevice Memory) NewDevice()
    {
        var memory = new MemoryBlockDevice(Sector, 32);
        return (new FaultInjectingBlockDevice(memory), memory);
    }

    private static void AssertTransient(IOException e, string operation)
    {
        Assert.Contains("injected", e.Message, StringComparison.Ordinal);
        Assert.Contains("transient", e.Message, StringComparison.Ordinal);
        Assert.Contains(operation, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailNextReads_FailsThatManyReads_ThenHealsByItself()
    {
        var (device, memory) = NewDevice();
        using var _ = device;
        device.Write(2, Filled(5));
        device.FailNextReads(2);

        AssertTransient(Assert.Throws<IOException>(() => device.Read(2, new byte[Sector])), "read");
        AssertTransient(Assert.Throws<IOException>(() => device.Read(9, new byte[Sector])), "read");
        var back = new byte[Sector];
        device.Read(2, back);
        Assert.Equal(Filled(5), back);
        Assert.Equal(2, device.InjectedReadFaults);
        Assert.Equal(3, device.ReadCalls);
        Assert.Equal(Filled(5), memory.SnapshotImage().AsSpan(2 * Sector, Sector).ToArray());
    }

    [Fact]
    public void FailNextReads_OnASector_FailsOnlyReadsTouchingIt()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailNextReads(2, sector: 7);

        device.Read(0, new byte[4 * Sector]);   // sectors 0..3: untouched, not counted
        device.Read(8, new byte[Sector]);
        var e = Assert.Throws<IOException>(() => device.Read(6, new byte[3 * Sector]));
        AssertTransient(e, "read");
        Assert.Contains("sector 7", e.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => device.Read(7, new byte[Sector]));
        device.Read(7, new byte[Sector]);      // healed after two
        Assert.Equal(2, device.InjectedReadFaults);
    }

    [Fact]
    public void FailNextWrites_FailsThatManyWrites_NotAppliedNorRecorded()
    {
        var (device, memory) = NewDevice();
        using var _ = device;
        device.FailNextWrites(2);

        AssertTransient(Assert.Throws<IOException>(() => device.Write(1, Filled(1))), "write");
        AssertTransient(Assert.Throws<IOException>(() => device.Write(2, Filled(2, 2))), "write");
        Assert.All(memory.SnapshotImage(), b => Assert.Equal(0, b));
        Assert.Empty(device.Writes);
        Assert.Empty(memory.Writes);
        Assert.Equal(0, device.WriteCount);

        device.Write(1, Filled(3));
        Assert.Equal(Filled(3), memory.SnapshotImage().AsSpan(Sector, Sector).ToArray());
        Assert.Equal([1L], device.Writes.Select(w => w.Sector));
        Assert.Equal(2, device.InjectedWriteFaults);
        Assert.Equal(3, device.WriteCalls);
    }

    [Fact]
    public void FailNextWrites_OnASector_FailsOnlyWritesTouchingIt()
    {
        var (device, memory) = NewDevice();
        using var _ = device;
        device.FailNextWrites(1, sector: 4);
        device.Write(5, Filled(1));
        Assert.Throws<IOException>(() => device.Write(3, Filled(2, 2)));
        device.Write(3, Filled(3, 2));
        Assert.Equal(Filled(3, 2), memory.SnapshotImage().AsSpan(3 * Sector, 2 * Sector).ToArray());
        Assert.Equal([5L, 3L], device.Writes.Select(w => w.Sector));
    }

    [Fact]
    public void FailNextFlushes_FailedFlush_IsNotAFlushEpoch()
    {
        var (device, memory) = NewDevice();
        using var _ = device;
        device.Write(0, Filled(1));
        device.FailNextFlushes(2);

        AssertTransient(Assert.Throws<IOException>(() => device.Flush()), "flush");
        AssertTransient(Assert.Throws<IOException>(() => device.Flush()), "flush");
        Assert.Equal(0, device.Flushes);
        Assert.Equal(0, memory.Flushes);   // the inner device was not flushed either

        device.Write(1, Filled(2));
        device.Flush();
        device.Write(2, Filled(3));
        Assert.Equal(1, device.Flushes);
        Assert.Equal([0, 0, 1], device.Writes.Select(w => w.FlushesBefore));
        Assert.Equal(2, device.InjectedFlushFaults);
        Assert.Equal(3, device.FlushCalls);
    }

    [Fact]
    public void FailNthWrite_SweptOverEveryPosition_FailsExactlyThatWrite()
    {
        const int Writes = 6;
        for (var k = 1; k <= Writes; k++)
        {
            var (device, memory) = NewDevice();
            using var _ = device;
            device.Write(20, Filled(99));          // before the call: not counted
            device.FailNthWrite(k);
            for (var i = 1; i <= Writes; i++)
            {
                if (i == k)
                {
                    AssertTransient(Assert.Throws<IOException>(() => device.Write(i, Filled((byte)i))), "write");
                }
                else
                {
                    device.Write(i, Filled((byte)i));
                }
            }

            var image = memory.SnapshotImage();
            for (var i = 1; i <= Writes; i++)
            {
                Assert.Equal(i == k ? Filled(0) : Filled((byte)i), image.AsSpan(i * Sector, Sector).ToArray());
            }

            Assert.Equal(1, device.InjectedWriteFaults);
            Assert.Equal(Writes, device.WriteCount);   // 1 before + (Writes - 1) after
        }
    }

    [Fact]
    public void FailNthRead_And_FailNthFlush_FailExactlyThatOperation()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailNthRead(3);
        device.FailNthFlush(2);

        device.Read(0, new byte[Sector]);
        device.Read(1, new byte[Sector]);
        AssertTransient(Assert.Throws<IOException>(() => device.Read(2, new byte[Sector])), "read");
        device.Read(2, new byte[Sector]);

        device.Flush();
        AssertTransient(Assert.Throws<IOException>(() => device.Flush()), "flush");
        device.Flush();
        Assert.Equal(2, device.Flushes);
        Assert.Equal(1, device.InjectedReadFaults);
        Assert.Equal(1, device.InjectedFlushFaults);
    }

    [Fact]
    public void FailNth_SeveralPositions_EachFailsOnce()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailNthWrite(1);
        device.FailNthWrite(3);
        var failed = new List<int>();
        for (var i = 1; i <= 4; i++)
        {
            try
            {
                device.Write(i, Filled(1));
            }
            catch (IOException)
            {
                failed.Add(i);
            }
        }

        Assert.Equal([1, 3], failed);
    }

    [Fact]
    public void InvalidArguments_AreRefusedFirst_AndConsumeNoFault()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailNextReads(1);
        device.FailNthWrite(1);
        Assert.Throws<ArgumentException>(() => device.Read(0, new byte[Sector + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.Write(device.SectorCount, Filled(1)));
        Assert.Throws<IOException>(() => device.Read(0, new byte[Sector]));
        Assert.Throws<IOException>(() => device.Write(0, Filled(1)));

        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNextReads(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNextWrites(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNextFlushes(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNthRead(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNthWrite(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => device.FailNthFlush(-2));
    }

    [Fact]
    public void Heal_DropsPendingTransientFaults_AndKeepsTheCounters()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailNextReads(5);
        device.FailNextWrites(5);
        device.FailNextFlushes(5);
        device.FailNthWrite(2);
        Assert.Throws<IOException>(() => device.Read(0, new byte[Sector]));
        device.Heal();

        device.Read(0, new byte[Sector]);
        device.Write(0, Filled(1));
        device.Write(1, Filled(1));
        device.Flush();
        Assert.Equal(1, device.InjectedReadFaults);
        Assert.Equal(0, device.InjectedWriteFaults);
        Assert.Equal(1, device.InjectedFaults);
    }

    [Fact]
    public void InjectedFaults_CountStickySectorFaultsAndThePowerCutToo()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailRead(3);
        device.FailWrite(4);
        Assert.Throws<IOException>(() => device.Read(3, new byte[Sector]));
        Assert.Throws<IOException>(() => device.Write(4, Filled(1)));
        device.FailAfterWrites = 0;
        Assert.Throws<IOException>(() => device.Write(5, Filled(1)));
        Assert.Throws<IOException>(() => device.Flush());

        Assert.Equal(1, device.InjectedReadFaults);
        Assert.Equal(2, device.InjectedWriteFaults);
        Assert.Equal(1, device.InjectedFlushFaults);
        Assert.Equal(4, device.InjectedFaults);
    }

    [Fact]
    public void StickyFault_TakesPrecedence_AndLeavesTheTransientOnePending()
    {
        var (device, _) = NewDevice();
        using var __ = device;
        device.FailRead(3);
        device.FailNextReads(1);
        var sticky = Assert.Throws<IOException>(() => device.Read(3, new byte[Sector]));
        Assert.DoesNotContain("transient", sticky.Message, StringComparison.Ordinal);
        AssertTransient(Assert.Throws<IOException>(() => device.Read(0, new byte[Sector])), "read");
        device.Read(0, new byte[Sector]);
    }
}
