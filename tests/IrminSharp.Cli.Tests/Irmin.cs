using System.Diagnostics;

namespace IrminSharp.Cli.Tests;

/// <summary>Runs the real <c>irmin</c> command in a child process.</summary>
internal static class Irmin
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "irmin.dll");

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException("irmin " + string.Join(' ', args) + " did not finish");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    public static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
    }
}
