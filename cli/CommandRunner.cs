using System.CommandLine;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary>Runs a parsed command and maps every error to one line and an exit code.</summary>
internal static class CommandRunner
{
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Internal = 70;

    /// <summary>The exit code of a failed sync, one per reason (see the README).</summary>
    public static int ExitCodeOf(SyncErrorKind kind) => kind switch
    {
        SyncErrorKind.Unreachable => 3,
        SyncErrorKind.Unauthorized => 4,
        SyncErrorKind.Incompatible => 5,
        SyncErrorKind.Refused => 6,
        SyncErrorKind.Diverged => 7,
        SyncErrorKind.Protocol => 8,
        SyncErrorKind.Timeout => 9,
        SyncErrorKind.Busy => 10,
        _ => Failure,
    };

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (SyncException e)
        {
            Console.Error.WriteLine("irmin: " + PrintableText.Escape(e.Message));
            return ExitCodeOf(e.Kind);
        }
        catch (MergeConflictException e)
        {
            Console.Error.WriteLine($"irmin: {e.Conflicts.Length} conflict(s)");
            foreach (var conflict in e.Conflicts)
            {
                Console.Error.WriteLine("  " + conflict);
            }

            return Failure;
        }
        catch (Exception e) when (e is IrminException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("irmin: " + e.Message);
            return e is ArgumentException ? Usage : Failure;
        }
    }
}
