using System.Diagnostics;
using System.Globalization;
using IrminSharp.Backends.Block;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class WriterLockTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-lock-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Acquire_WhileHeldInThisProcess_NamesTheHoldersPid()
    {
        var path = Path.Combine(dir, "store.pack.lock");
        using var held = WriterLock.Acquire(path, "test store");

        // flock is per open file description, so a second open in this process conflicts too.
        var e = Assert.Throws<StoreLockedException>(() => WriterLock.Acquire(path, "test store"));
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.Contains($"locked by pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        Assert.Equal(WriterLock.DescribeProcess(Environment.ProcessId), e.ProcessName);
    }

    [Fact]
    public void FileDevices_TwoOpensOfOneFile_LockEachOtherOutThroughWriterLockPath()
    {
        var path = Path.Combine(dir, "store.pack");
        File.CreateSymbolicLink(Path.Combine(dir, "alias.pack"), path);
        using var first = FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = 64 });
        using var second = FileBlockDevice.Open(Path.Combine(dir, "alias.pack"));
        Assert.Equal(first.WriterLockPath, second.WriterLockPath);

        using var held = WriterLock.Acquire(first.WriterLockPath, "first");
        var e = Assert.Throws<StoreLockedException>(() => WriterLock.Acquire(((IBlockDevice)second).WriterLockPath!, "second"));
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.True(WriterLock.IsHeld(second.WriterLockPath));
    }

    [Fact]
    public void IsHeld_FreeOrMissingLock_IsFalse_AndLeavesTheFileAlone()
    {
        var path = Path.Combine(dir, "store.pack.lock");
        Assert.False(WriterLock.IsHeld(path));
        Assert.False(WriterLock.IsHeld(Path.Combine(dir, "no-such-dir", "x.lock")));
        Assert.False(File.Exists(path));
        File.WriteAllText(path, "12345\n");
        Assert.False(WriterLock.IsHeld(path));
        Assert.Equal("12345\n", File.ReadAllText(path));
    }

    [Fact]
    public void DescribeProcess_ThisProcess_IsItsShortCommand()
    {
        var name = WriterLock.DescribeProcess(Environment.ProcessId);
        Assert.NotNull(name);
        Assert.InRange(name.Length, 1, 80);
        Assert.DoesNotContain('\0', name);
        Assert.False(name.StartsWith("dotnet exec", StringComparison.Ordinal), name);
    }

    [Fact]
    public void DescribeProcess_NoSuchProcess_IsNull() => Assert.Null(WriterLock.DescribeProcess(int.MaxValue));

    [Fact]
    public void Acquire_HeldByAnotherProcess_NamesItsPidAndCommand()
    {
        var path = Path.Combine(dir, "store.pack.lock");

        // flock(1) holds the lock; the shell it runs writes its pid to the lock file and to stdout
        // (a .NET open would block on the lock), then becomes 'sleep 300'.
        var start = new ProcessStartInfo("flock") { RedirectStandardOutput = true };
        foreach (var argument in new[] { "--nonblock", path, "sh", "-c", $"echo $$ > '{path}'; echo $$; exec sleep 300" })
        {
            start.ArgumentList.Add(argument);
        }

        using var holder = Process.Start(start)!;
        try
        {
            var pid = int.Parse(holder.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            Assert.NotEqual(holder.Id, pid); // the pid is read from the file, not guessed from the holder
            WaitFor(() => File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep", "the shell to exec sleep");

            var e = Assert.Throws<StoreLockedException>(() => WriterLock.Acquire(path, "test store"));
            Assert.Equal(pid, e.Pid);
            Assert.Equal("sleep 300", e.ProcessName);
            Assert.Contains($"store test store is locked by pid {pid} (sleep 300)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }

        // The kernel drops the lock once every holder (flock and the sleep that inherited its
        // descriptor) has exited; the kill reaches the sleep asynchronously.
        WriterLock? mine = null;
        WaitFor(() => TryAcquire(path, out mine), "the lock to be released");
        mine!.Dispose();
    }

    private static bool TryAcquire(string path, out WriterLock? acquired)
    {
        try
        {
            acquired = WriterLock.Acquire(path, "test store");
            return true;
        }
        catch (StoreLockedException)
        {
            acquired = null;
            return false;
        }
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting for {what}");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Acquire_LockFileWithoutAPid_ReportsNoPid()
    {
        var path = Path.Combine(dir, "store.pack.lock");
        using var other = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        other.Write("not a pid\n"u8);
        other.Flush();
        var e = Assert.Throws<StoreLockedException>(() => WriterLock.Acquire(path, "test store"));
        Assert.Null(e.Pid);
        Assert.Null(e.ProcessName);
        Assert.Contains("locked by another process", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_AfterRelease_Succeeds_AndRecordsThisPid()
    {
        var path = Path.Combine(dir, "sub", "store.pack.lock");
        WriterLock.Acquire(path, "test store").Dispose();
        using var again = WriterLock.Acquire(path, "test store");
        var e = Assert.Throws<StoreLockedException>(() => WriterLock.Acquire(path, "test store"));
        Assert.Equal(Environment.ProcessId, e.Pid);
    }

    [Fact]
    public void PackStore_DefaultOptions_TakesTheDevicesOwnLock()
    {
        var path = Path.Combine(dir, "store.pack");
        File.CreateSymbolicLink(Path.Combine(dir, "alias.pack"), path);
        using var first = PackStore.Create(FileBlockDevice.Open(path, new FileBlockDeviceOptions { CreateSectors = 256 }), "s", "counter");
        Assert.True(WriterLock.IsHeld(path + ".lock"));
        var e = Assert.Throws<StoreLockedException>(() => PackStore.Open(FileBlockDevice.Open(Path.Combine(dir, "alias.pack"))));
        Assert.Equal(Environment.ProcessId, e.Pid);

        // Readers take no lock; a memory device names none, so its store takes none.
        using var reader = PackStore.Open(FileBlockDevice.Open(path, new FileBlockDeviceOptions { ReadOnly = true }));
        using var memory = PackStore.Create(new MemoryBlockDevice(512, 64), "s", "counter");
    }
}
