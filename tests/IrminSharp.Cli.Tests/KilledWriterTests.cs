using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Cli.Tests;

/// <summary>A writer killed with SIGKILL at any moment loses nothing it acknowledged, corrupts nothing, and leaves no lock.</summary>
public sealed class KilledWriterTests(ITestOutputHelper output) : IDisposable
{
    private const int MinRounds = 12;
    private const int MaxRounds = 40;
    private const int MinKilled = 3;
    private const int MinAcknowledged = 2;
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-kill-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>
    /// Writers are killed at a random point between half and 1.2 times how long a whole write
    /// took last (a process start dominates it, and the write happens near its end), so some
    /// are killed mid-write and some acknowledge first. The rounds go on, up to
    /// <see cref="MaxRounds"/>, until both happened enough: the test proves nothing if no writer
    /// was killed, or none acknowledged a write a later kill could have damaged.
    /// </summary>
    [Fact]
    public void KilledMidWrite_StoreOpensCleanWithEveryAcknowledgedValue()
    {
        Assert.Equal(0, Irmin.Run(dir, "init", "--contents", "counter").ExitCode);
        var acknowledged = new Dictionary<string, string>();
        var rng = new Random(7);
        var killed = 0;
        var acknowledgedRounds = 0;
        var acknowledgedBeforeAKill = 0;
        var whole = TimeSpan.Zero;
        var round = 0;
        for (; round < MaxRounds && (round < MinRounds || killed < MinKilled || acknowledgedBeforeAKill < MinAcknowledged); round++)
        {
            var key = $"k{round % 4}";
            var value = round.ToString(CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            using var writer = Irmin.Start(dir, "set", key, value);

            // The first write runs whole, to learn how long one takes here.
            var exited = round == 0 ? writer.WaitForExit(60_000) : writer.WaitForExit((int)(whole.TotalMilliseconds * (0.5 + (0.7 * rng.NextDouble()))));
            if (!exited)
            {
                writer.Kill();
                writer.WaitForExit();
                killed++;
                acknowledgedBeforeAKill = acknowledgedRounds;
                continue;
            }

            whole = clock.Elapsed;
            if (writer.ExitCode == 0)
            {
                acknowledged[key] = value;
                acknowledgedRounds++;
            }
        }

        output.WriteLine($"{round} rounds: {killed} writers killed, {acknowledgedRounds} acknowledged ({acknowledgedBeforeAKill} before a later kill); a whole write took {whole.TotalMilliseconds:F0} ms last");
        Assert.True(killed >= MinKilled, $"only {killed} of {round} writers were killed: the test proved little");
        Assert.True(acknowledgedBeforeAKill >= MinAcknowledged, $"only {acknowledgedBeforeAKill} writes were acknowledged before a later kill: the test proved little");
        var fsck = Irmin.Run(dir, "fsck");
        Assert.True(fsck.ExitCode == 0, fsck.Out + fsck.Error);
        foreach (var (key, value) in acknowledged)
        {
            var read = Irmin.Run(dir, "get", key);
            Assert.True(read.ExitCode == 0, read.Error);
            // A later, killed write may still have landed (it reached the disk before the kill).
            Assert.True(int.Parse(read.Out.Trim(), CultureInfo.InvariantCulture) >= int.Parse(value, CultureInfo.InvariantCulture), $"{key}: {read.Out.Trim()} < {value}");
        }

        // The kernel released the dead writers' locks: a new writer gets in.
        Assert.Equal(0, Irmin.Run(dir, "set", "after", "1").ExitCode);
    }
}
