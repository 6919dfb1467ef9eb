using System.Diagnostics;
using System.Globalization;
using IrminSharp.Sync;
using Spectre.Console;

namespace IrminSharp.Cli;

/// <summary>Shows a transfer: a live Spectre.Console progress bar on a terminal, nothing while it runs otherwise.</summary>
internal static class TransferDisplay
{
    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(string label, Func<IProgress<TransferProgress>?, Task<T>> work)
    {
        if (!Interactive)
        {
            return await work(null).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label);
                task.IsIndeterminate = true;
                var clock = Stopwatch.StartNew();
                var progress = new Progress<TransferProgress>(p =>
                {
                    var rate = p.WireBytes / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    task.Description = $"{label}: {p.Objects.ToString("N0", CultureInfo.InvariantCulture)} objects, {Bytes(p.ObjectBytes)}, {Bytes((long)rate)}/s";
                });
                result = await work(progress).ConfigureAwait(false);
                task.StopTask();
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>"1.2 KiB" and the like.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1 << 20 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1 << 30 => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Elapsed(Stopwatch clock) => clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
