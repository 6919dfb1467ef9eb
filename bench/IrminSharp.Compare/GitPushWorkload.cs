using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IrminSharp.Compare;

/// <summary>
/// The sync scenario's peer: stock git on the command line. A client repository with a work tree
/// commits with <c>git commit</c> and pushes with <c>git push origin main</c> (timed as the
/// process's wall time) to a bare repository served by <c>git daemon</c> on 127.0.0.1, through a
/// <see cref="CountingProxy"/> that counts the bytes on the wire (git:// is plain TCP). Git runs
/// with its defaults except that automatic gc is off in both repositories (so no gc lands inside a
/// timed push), and without system or global configuration.
/// </summary>
internal sealed class GitPushWorkload : IPushWorkload
{
    private const string BareName = "peer.git";
    private static readonly TimeSpan ProxyDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly string root;
    private readonly string client;
    private readonly string bare;
    private readonly Dictionary<string, string> environment;
    private readonly GitDaemon daemon;
    private readonly CountingProxy proxy;

    private GitPushWorkload(string root, Dictionary<string, string> environment, GitDaemon daemon, CountingProxy proxy)
    {
        this.root = root;
        this.environment = environment;
        this.daemon = daemon;
        this.proxy = proxy;
        client = Path.Combine(root, "client");
        bare = Path.Combine(root, "served", BareName);
    }

    public string Name => "git CLI";

    /// <summary>
    /// Makes the client and the bare repository in a new directory under <paramref name="parent"/>
    /// (null: the RAM disk, else the temporary directory), and starts the daemon and the proxy.
    /// </summary>
    public static GitPushWorkload Start(string? parent)
    {
        parent ??= Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var root = Path.Combine(parent, "irmin-compare-git-" + Guid.NewGuid().ToString("N"));
        var client = Path.Combine(root, "client");
        var served = Path.Combine(root, "served");
        Directory.CreateDirectory(client);
        Directory.CreateDirectory(served);
        var environment = new Dictionary<string, string>
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_AUTHOR_NAME"] = "bench",
            ["GIT_AUTHOR_EMAIL"] = "bench@example.org",
            ["GIT_COMMITTER_NAME"] = "bench",
            ["GIT_COMMITTER_EMAIL"] = "bench@example.org",
        };
        GitDaemon? daemon = null;
        try
        {
            Run(environment, served, "init", "-q", "--bare", BareName);
            var bare = Path.Combine(served, BareName);
            Run(environment, bare, "config", "gc.auto", "0");
            Run(environment, bare, "config", "receive.autogc", "false");
            Run(environment, client, "init", "-q", "-b", "main");
            Run(environment, client, "config", "gc.auto", "0");
            daemon = GitDaemon.Start(served, environment);
            var proxy = new CountingProxy(daemon.EndPoint);
            Run(environment, client, "remote", "add", "origin", string.Create(CultureInfo.InvariantCulture, $"git://127.0.0.1:{proxy.Port}/{BareName}"));
            return new GitPushWorkload(root, environment, daemon, proxy);
        }
        catch
        {
            daemon?.Dispose();
            Delete(root);
            throw;
        }
    }

    public async Task PopulateAsync(Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        for (var i = 0; i < layout.Entries; i++)
        {
            Write(layout.PathOf(i), layout.InitialValueOf(i));
        }

        Git(client, "add", "-A");
        Git(client, "commit", "-q", "-m", "populate");
        await PushAsync();
    }

    public void Commit(string path, string value)
    {
        Write(path, value);
        Git(client, "commit", "-q", "-m", "change one entry", "-i", "--", path);
    }

    /// <summary>
    /// Times <c>git push origin main</c> from process start to exit; its bytes are what the proxy
    /// relayed for it, both directions, once its connection has closed.
    /// </summary>
    public async Task<PushRound> PushAsync()
    {
        var before = proxy.Bytes;
        var clock = Stopwatch.StartNew();
        Git(client, "push", "origin", "main");
        clock.Stop();
        await proxy.WaitIdleAsync(ProxyDrainTimeout);
        return new PushRound(clock.Elapsed, proxy.Bytes - before);
    }

    /// <summary>
    /// Times <c>git clone --bare</c> of the daemon's repository (through the proxy) into a new
    /// directory, which is checked and deleted.
    /// </summary>
    public async Task<PushRound> CloneAsync()
    {
        var target = Path.Combine(root, "clone-" + Guid.NewGuid().ToString("N"));
        try
        {
            var before = proxy.Bytes;
            var clock = Stopwatch.StartNew();
            Git(root, "clone", "-q", "--bare", string.Create(CultureInfo.InvariantCulture, $"git://127.0.0.1:{proxy.Port}/{BareName}"), target);
            clock.Stop();
            await proxy.WaitIdleAsync(ProxyDrainTimeout);
            var cloned = Git(target, "rev-parse", "--verify", "-q", "refs/heads/main").Trim();
            var served = Git(bare, "rev-parse", "--verify", "-q", "refs/heads/main").Trim();
            if (cloned != served)
            {
                throw new VerificationException($"{Name}: the clone's main is {cloned}, the daemon's {served}");
            }

            return new PushRound(clock.Elapsed, proxy.Bytes - before);
        }
        finally
        {
            Delete(target);
        }
    }

    public void Verify(IReadOnlyDictionary<string, string> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var local = Git(client, "rev-parse", "HEAD").Trim();
        var served = Git(bare, "rev-parse", "--verify", "-q", "refs/heads/main").Trim();
        if (served != local)
        {
            throw new VerificationException($"{Name}: the daemon's main is {(served.Length == 0 ? "<missing>" : served)}, the client's {local}");
        }

        // One cat-file for all paths: "<name> blob <size>\n<contents>\n" each, or "<name> missing\n".
        var names = expected.Keys.ToList();
        var output = Git(bare, names.Select(p => $"{served}:{p}\n"), "cat-file", "--batch");
        var at = 0;
        foreach (var path in names)
        {
            var lineEnd = output.IndexOf('\n', at);
            var header = output[at..lineEnd].Split(' ');
            string? actual = null;
            at = lineEnd + 1;
            if (header is [_, "blob", var size])
            {
                var length = int.Parse(size, CultureInfo.InvariantCulture);
                actual = output.Substring(at, length);
                at += length + 1;
            }

            VerificationException.Check(Name + " (daemon)", path, actual, expected[path]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        daemon.Dispose();
        Delete(root);
    }

    private static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs git in <paramref name="directory"/> and returns its output; throws if it fails.</summary>
    private static string Run(IReadOnlyDictionary<string, string> environment, string directory, params string[] arguments) =>
        Run(environment, directory, [], arguments);

    private static string Run(IReadOnlyDictionary<string, string> environment, string directory, IEnumerable<string> input, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        foreach (var line in input)
        {
            process.StandardInput.Write(line);
        }

        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited with {process.ExitCode}: {errors.GetAwaiter().GetResult().Trim()}");
        }

        return output.GetAwaiter().GetResult();
    }

    private string Git(string directory, params string[] arguments) => Run(environment, directory, [], arguments);

    private string Git(string directory, IEnumerable<string> input, params string[] arguments) => Run(environment, directory, input, arguments);

    private void Write(string path, string value)
    {
        var file = Path.Combine(client, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, value);
    }
}
