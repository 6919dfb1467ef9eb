using System.Diagnostics;

namespace IrminSharp.Store.Tests;

/// <summary>
/// A throwaway Git repository in a temporary directory, driven through the <c>git</c> command line
/// with no user or system configuration, for checking that the store merges as Git does.
/// </summary>
public sealed class GitScratchRepository : IDisposable
{
    private GitScratchRepository(string directory) => Directory = directory;

    /// <summary>The work tree.</summary>
    public string Directory { get; }

    /// <summary>A new repository whose first branch is <c>main</c>.</summary>
    public static GitScratchRepository Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "irmin-git-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var repository = new GitScratchRepository(directory);
        repository.Git("init", "-q", "-b", "main");
        return repository;
    }

    /// <summary>Runs git with <paramref name="arguments"/>; throws unless it exits with 0.</summary>
    public string Git(params string[] arguments)
    {
        var (exitCode, output) = TryGit(arguments);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited with {exitCode}: {output}");
    }

    /// <summary>Runs git with <paramref name="arguments"/>; returns its exit code and its output (stdout, then stderr).</summary>
    public (int ExitCode, string Output) TryGit(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_AUTHOR_NAME"] = "test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@example.org";
        start.Environment["GIT_COMMITTER_NAME"] = "test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.org";
        start.Environment["GIT_MERGE_AUTOEDIT"] = "no";
        foreach (var argument in new[] { "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>Writes <paramref name="text"/> to the file <paramref name="name"/> of the work tree.</summary>
    public void Write(string name, string text) => File.WriteAllText(Path.Combine(Directory, name), text);

    /// <summary>The text of the file <paramref name="name"/> of the work tree.</summary>
    public string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));

    /// <summary>Whether the file <paramref name="name"/> exists in the work tree.</summary>
    public bool Exists(string name) => File.Exists(Path.Combine(Directory, name));

    /// <summary>Commits every change of the work tree with <paramref name="message"/> and returns the commit's hash.</summary>
    public string CommitAll(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
