using System.CommandLine;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary>Runs a parsed command and maps every error to one line and an exit code.</summary>
internal static class CommandRunner
{
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Internal = 70;

    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (MergeConflictException e)
        {
            Console.Error.WriteLine($"irmin: {e.Conflicts.Length} conflict(s)");
            foreach (var conflict in e.Conflicts)
            {
                Console.Error.WriteLine($"  /{conflict.Path}: {conflict.Reason}");
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
