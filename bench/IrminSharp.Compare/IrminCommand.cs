using System.Diagnostics;

namespace IrminSharp.Compare;

/// <summary>The real <c>irmin</c> command: a NativeAOT binary, or <c>irmin.dll</c> run with <c>dotnet</c>.</summary>
internal sealed class IrminCommand
{
    private IrminCommand(string path) => Path = path;

    /// <summary>The binary or the dll.</summary>
    public string Path { get; }

    /// <summary>
    /// <paramref name="path"/>, or else this repository's <c>cli/bin/Release/net10.0/irmin.dll</c>
    /// (found above the harness's own directory).
    /// </summary>
    public static IrminCommand Find(string? path)
    {
        if (path is not null)
        {
            return File.Exists(path) ? new IrminCommand(path) : throw new ArgumentException($"--irmin {path}: no such file");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "IrminSharp.sln")))
            {
                var dll = System.IO.Path.Combine(dir.FullName, "cli", "bin", "Release", "net10.0", "irmin.dll");
                return File.Exists(dll) ? new IrminCommand(dll) : throw new ArgumentException($"{dll} is not built; build the solution in Release or pass --irmin");
            }
        }

        throw new ArgumentException("cannot find the irmin command; pass --irmin PATH");
    }

    /// <summary>Starts <c>irmin ARGS</c> in <paramref name="workingDirectory"/>, its output redirected.</summary>
    public Process Start(string workingDirectory, IEnumerable<string> args)
    {
        var dll = Path.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(dll ? "dotnet" : Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (dll)
        {
            start.ArgumentList.Add(Path);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Path);
    }

    /// <summary>Runs <c>irmin ARGS</c> to its end: its exit code, output and error.</summary>
    public async Task<(int ExitCode, string Out, string Error)> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
