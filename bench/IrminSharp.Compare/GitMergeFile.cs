using System.Diagnostics;
using System.Text;

namespace IrminSharp.Compare;

/// <summary>
/// The <c>merge-text</c> scenario's peer: stock <c>git merge-file -p ours base theirs</c>, one
/// process per merge, on three files in a new directory on the RAM disk (<c>/dev/shm</c>, else the
/// temporary directory), deleted when disposed. Git runs without system or global configuration
/// (so no configured conflict style changes its output). Its exit code is the number of conflicts
/// (at most 127), its standard output the merged text.
/// </summary>
internal sealed class GitMergeFile : IDisposable
{
    /// <summary>The largest conflict count git reports; it means "this many or more".</summary>
    public const int MostConflictsReported = 127;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_TERMINAL_PROMPT"] = "0",
    };

    private readonly string directory;

    private GitMergeFile(string directory) => this.directory = directory;

    public static string Name => "git merge-file";

    /// <summary>Makes the directory the three files go in.</summary>
    public static GitMergeFile Create()
    {
        var parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = Path.Combine(parent, "irmin-compare-merge-text-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new GitMergeFile(directory);
    }

    /// <summary>Writes the case's texts (UTF-8) to the files <c>base</c>, <c>ours</c> and <c>theirs</c> (untimed).</summary>
    public void Write(MergeTextCase input)
    {
        ArgumentNullException.ThrowIfNull(input);
        File.WriteAllText(Path.Combine(directory, "base"), input.Base, Utf8);
        File.WriteAllText(Path.Combine(directory, "ours"), input.Ours, Utf8);
        File.WriteAllText(Path.Combine(directory, "theirs"), input.Theirs, Utf8);
    }

    /// <summary>
    /// Runs <c>git merge-file -p ours base theirs</c>, timed from process start to exit; throws
    /// if git failed (an exit code above <see cref="MostConflictsReported"/>).
    /// </summary>
    public GitProcessRun Merge()
    {
        var run = Run("merge-file", "-p", "ours", "base", "theirs");
        return run.ExitCode is >= 0 and <= MostConflictsReported
            ? run
            : throw new InvalidOperationException($"git merge-file exited with {run.ExitCode}");
    }

    /// <summary>The floor of any git process: <c>git --version</c>, timed the same way.</summary>
    public GitProcessRun Version()
    {
        var run = Run("--version");
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"git --version exited with {run.ExitCode}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private GitProcessRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        clock.Stop();
        var stderr = errors.GetAwaiter().GetResult().Trim();
        if (process.ExitCode > MostConflictsReported && stderr.Length > 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr}");
        }

        return new GitProcessRun(clock.Elapsed, process.ExitCode, output.ToArray());
    }
}
