using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary>
/// A store filled to "no space left" can be recovered with irmin's own tools: ordinary writes
/// leave a reserve that gc may use. Before, `irmin gc` on a full store failed "no space left" too.
/// </summary>
public sealed class GcOnFullStoreTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-cli-full-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private Irmin.Result Ok(params string[] args)
    {
        var result = Irmin.Run(dir, args);
        Assert.True(result.ExitCode == 0, $"irmin {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    [Fact]
    public void Gc_succeeds_on_a_full_store_and_a_later_set_works()
    {
        Ok("init", "--size", "1");
        for (var i = 0; i < 3; i++)
        {
            Ok("set", $"live/{i}", new string((char)('a' + i), 20_000), "-m", "live data");
        }

        Ok("branch", "scratch");
        Irmin.Result last;
        var sets = 0;
        do
        {
            last = Irmin.Run(dir, "-b", "scratch", "set", $"junk/{sets % 3}", sets + new string('x', 30_000), "-m", "junk");
            sets++;
        }
        while (last.ExitCode == 0 && sets < 80);

        Assert.True(last.ExitCode != 0, $"the 1 MiB store took {sets} sets of 30 KB");
        Assert.Contains("no space left", last.Error, StringComparison.Ordinal);
        Ok("branch", "scratch", "--delete");
        Ok("gc");
        Ok("set", "after", "gc", "-m", "after gc");
        Assert.Equal("gc", Ok("get", "after").Out.Trim());
        Assert.Equal(new string('c', 20_000), Ok("get", "live/2").Out.Trim());
        Assert.Contains("no problems", Ok("fsck").Out, StringComparison.Ordinal);
    }
}
