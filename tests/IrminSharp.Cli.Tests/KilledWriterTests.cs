using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary>A writer killed with SIGKILL at any moment loses nothing it acknowledged, corrupts nothing, and leaves no lock.</summary>
public sealed class KilledWriterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-kill-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void KilledMidWrite_StoreOpensCleanWithEveryAcknowledgedValue()
    {
        Assert.Equal(0, Irmin.Run(dir, "init", "--contents", "counter").ExitCode);
        var acknowledged = new Dictionary<string, string>();
        var rng = new Random(7);
        var killed = 0;
        for (var round = 0; round < 12; round++)
        {
            var key = $"k{round % 4}";
            var value = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var writer = Irmin.Start(dir, "set", key, value);
            var exited = writer.WaitForExit(rng.Next(20, 160));
            if (!exited)
            {
                writer.Kill();
                writer.WaitForExit();
                killed++;
            }

            if (exited && writer.ExitCode == 0)
            {
                acknowledged[key] = value;
            }
        }

        Assert.True(killed > 0, "no writer was killed: the test proved nothing");
        var fsck = Irmin.Run(dir, "fsck");
        Assert.True(fsck.ExitCode == 0, fsck.Out + fsck.Error);
        foreach (var (key, value) in acknowledged)
        {
            var read = Irmin.Run(dir, "get", key);
            Assert.True(read.ExitCode == 0, read.Error);
            // A later, killed write may still have landed (it reached the disk before the kill).
            Assert.True(int.Parse(read.Out.Trim(), System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), $"{key}: {read.Out.Trim()} < {value}");
        }

        // The kernel released the dead writers' locks: a new writer gets in.
        Assert.Equal(0, Irmin.Run(dir, "set", "after", "1").ExitCode);
    }
}
