using System.Diagnostics;
using System.Globalization;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Compare;

/// <summary>
/// The hidden sub-command the open scenario starts in a fresh process:
/// <c>open-child &lt;pack&gt; &lt;key&gt; &lt;expected value&gt;</c>. Opens the pack read-only, opens
/// the repository, reads the key at main's head, checks it, and prints the milliseconds since
/// Main started.
/// </summary>
internal static class OpenChild
{
    public const string Command = "open-child";

    /// <summary>The prefix of the line the child prints its time on.</summary>
    public const string Prefix = "open_ms=";

    /// <summary>The prefix of the line with the time's breakdown, in ms.</summary>
    public const string StagesPrefix = "stages: ";

    public static int Run(string[] args, Stopwatch started)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine($"usage: {Command} <pack> <key> <expected value>");
            return 2;
        }

        var beforeOpen = started.Elapsed;
        var pack = PackStore.Open(FileBlockDevice.Open(args[1], new FileBlockDeviceOptions { ReadOnly = true }), new PackOptions { ReadOnly = true });
        var packOpened = started.Elapsed;
        using var repo = Repository<string>.Open(pack.Objects, pack.Refs, StringContents.Instance);
        var repoOpened = started.Elapsed;
        var value = repo.Main.TryGet(StorePath.Parse(args[2]), out var found) ? found : null;
        var correct = value == args[3];
        started.Stop();
        if (!correct)
        {
            Console.Error.WriteLine($"FAILED: '{args[2]}' read back '{value}', expected '{args[3]}'");
            return 1;
        }

        Console.WriteLine(Prefix + started.Elapsed.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture));
        Console.WriteLine(StagesPrefix + FormattableString.Invariant(
            $"main {beforeOpen.TotalMilliseconds:F1}, pack open {(packOpened - beforeOpen).TotalMilliseconds:F1}, repo open {(repoOpened - packOpened).TotalMilliseconds:F1}, get {(started.Elapsed - repoOpened).TotalMilliseconds:F1}"));
        return 0;
    }
}
