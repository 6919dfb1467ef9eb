using System.Text.Json.Nodes;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Block.Tests;
using IrminSharp.Backends.Pack;
using Xunit;

namespace IrminSharp.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private Irmin.Result Ok(params string[] args)
    {
        var result = Irmin.Run(dir, args);
        Assert.True(result.ExitCode == 0, $"irmin {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    [Fact]
    public void CounterOnTwoBranches_MergesBothIncrements_AndShowsHistory()
    {
        Ok("init", "--contents", "counter");
        Ok("set", "stats/visits", "10", "-m", "start");
        Ok("branch", "device");
        Ok("set", "stats/visits", "13", "-m", "main +3");
        Ok("-b", "device", "set", "stats/visits", "15", "-m", "device +5");
        Ok("merge", "device");
        Assert.Equal("18", Ok("get", "stats/visits").Out.Trim());
        var log = Ok("log", "--oneline").Lines;
        Assert.Equal(4, log.Length);
        Assert.EndsWith("merge device into main", log[0], StringComparison.Ordinal);
        var json = JsonNode.Parse(Ok("get", "stats/visits", "--json").Out)!;
        Assert.Equal("18", json["value"]!.GetValue<string>());
        Assert.Equal(["~ /stats/visits: 15 -> 18"], Ok("diff", "device", "main").Lines);
        Assert.Equal(["stats/"], Ok("ls").Lines);
        Assert.Equal(["/stats/visits = 18"], Ok("tree").Lines);
        var head = Ok("snapshot").Out.Trim();
        Assert.Equal(64, head.Length);
        Ok("tag", "v1");
        Ok("set", "stats/visits", "100");
        Ok("revert", "v1");
        Assert.Equal("18", Ok("get", "stats/visits").Out.Trim());
        Assert.Contains("digraph", Ok("dot").Out, StringComparison.Ordinal);
        Assert.Contains("no problems", Ok("fsck").Out, StringComparison.Ordinal);
        var stats = JsonNode.Parse(Ok("stats", "--json").Out)!;
        Assert.Equal("counter", stats["contents"]!.GetValue<string>());
        Ok("branch", "device", "--delete");
        var gc = JsonNode.Parse(Ok("gc", "--json").Out)!;
        Assert.True(gc["live"]!.GetValue<long>() > 0);
        Assert.Equal("18", Ok("get", "stats/visits").Out.Trim());
    }

    [Fact]
    public void ConflictingMerge_ListsEveryDevicePathExitsOne_AndMovesNothing()
    {
        Ok("init");
        Ok("set", "motd", "hello");
        Ok("set", "owner", "ops");
        Ok("branch", "other");
        Ok("set", "motd", "main");
        Ok("set", "owner", "alice");
        Ok("-b", "other", "set", "motd", "other");
        Ok("-b", "other", "set", "owner", "bob");
        var before = Ok("snapshot").Out;
        var merge = Irmin.Run(dir, "merge", "other");
        Assert.Equal(1, merge.ExitCode);
        Assert.Contains("CONFLICT /motd", merge.Out, StringComparison.Ordinal);
        Assert.Contains("CONFLICT /owner", merge.Out, StringComparison.Ordinal);
        Assert.Equal(before, Ok("snapshot").Out);
    }

    [Theory]
    [InlineData("get", "a//b")]
    [InlineData("get", "missing")]
    [InlineData("set", "x", "not-a-number")]
    [InlineData("merge", "no-such-branch")]
    [InlineData("revert", "0123")]
    public void BadInput_IsOneLine_NonZero_NoStackTrace(params string[] args)
    {
        Ok("init", "--contents", "counter");
        Ok("set", "x", "1");
        var before = Ok("snapshot").Out;
        var result = Irmin.Run(dir, args);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("irmin: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Ok("snapshot").Out);
    }

    [Fact]
    public void NoStore_IsAClearError()
    {
        var result = Irmin.Run(dir, "get", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no store", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondWriter_IsToldWhichPidHoldsTheStore()
    {
        Ok("init");
        Ok("set", "a", "1");
        var target = Path.Combine(dir, ".irmin", "store.pack");
        using var holder = PackStore.Open(FileBlockDevice.Open(target), new PackOptions { LockPath = target + ".lock" });
        var result = Irmin.Run(dir, "set", "a", "2");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"locked by pid {Environment.ProcessId}", result.Error, StringComparison.Ordinal);
        Assert.Equal("1", Ok("get", "a").Out.Trim());
    }

    [Fact]
    public void Watch_PrintsALinePerChange()
    {
        Ok("init");
        Ok("set", "cfg/a", "1");
        using var watcher = Irmin.Start(dir, "watch", "cfg", "--max-events", "2", "--interval-ms", "50");
        Assert.StartsWith("watching", watcher.StandardOutput.ReadLine(), StringComparison.Ordinal);
        Ok("set", "other", "x");
        Ok("set", "cfg/a", "2");
        Ok("set", "cfg/b", "3");
        Assert.True(watcher.WaitForExit(30_000));
        var lines = watcher.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("updated /cfg/a 2", lines[0], StringComparison.Ordinal);
        Assert.Contains("added /cfg/b 3", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void LoopDevice_HoldsAStore()
    {
        using var loop = new LoopDevice(32L << 20);
        Ok("--device", loop.DevicePath, "init", "--contents", "json");
        Ok("--device", loop.DevicePath, "set", "doc", """{"a":1}""");
        Ok("--device", loop.DevicePath, "set", "doc", """{"a":2}""");
        Assert.Equal("""{"a":2}""", Ok("--device", loop.DevicePath, "get", "doc").Out.Trim());
        Assert.Equal(2, Ok("--device", loop.DevicePath, "log", "--oneline").Lines.Length);
        Assert.Contains("no problems", Ok("--device", loop.DevicePath, "fsck").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_RunsOnPackFiles()
    {
        var result = Ok("demo", "--dir", Path.Combine(dir, "demo"));
        Assert.Contains("both increments kept", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "demo", "counter", "store.pack")));
        Assert.Equal("18", Ok("--root", Path.Combine(dir, "demo", "counter"), "get", "stats/visits").Out.Trim());
    }
}
