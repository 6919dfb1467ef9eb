using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary>
/// <c>irmin serve/cert/clone/remote/fetch/pull/push</c> as separate processes on 127.0.0.1: the
/// README's replica walkthrough, and the exit code and one-line error of each refusal.
/// </summary>
public sealed partial class SyncCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-sync-cli-").FullName;
    private readonly List<Process> servers = [];

    public void Dispose()
    {
        foreach (var server in servers)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }

            server.Dispose();
        }

        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Replicas_CloneEditOfflinePushPull_ConvergeWithBothIncrements()
    {
        var hub = Make("hub");
        Ok(hub, "init", "--contents", "counter");
        Ok(hub, "set", "stats/visits", "10");
        var (url, hubFingerprint) = Serve(hub, Fingerprint("b"), Fingerprint("c"));

        Ok(dir, "clone", url, "b", "--fingerprint", hubFingerprint, "--identity", Identity("b"));
        Ok(dir, "clone", url, "c", "--fingerprint", hubFingerprint, "--identity", Identity("c"));
        var b = Path.Combine(dir, "b");
        var c = Path.Combine(dir, "c");
        Assert.Equal("10", Ok(b, "get", "stats/visits").Out.Trim());
        Assert.Contains("origin", Ok(c, "remote").Out, StringComparison.Ordinal);

        // Offline edits on both devices: +5 on b, +3 on c.
        Ok(b, "set", "stats/visits", "15");
        Ok(c, "set", "stats/visits", "13");
        var pushed = Ok(b, "push", "--identity", Identity("b"));
        Assert.Matches(@"pushed main: \w+ → \w+, \d+ objects", pushed.Out);

        var refused = Irmin.Run(c, "push", "--identity", Identity("c"));
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("fetch and merge first", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.Trim().Split('\n'));

        var pulled = Ok(c, "pull", "--identity", Identity("c"));
        Assert.Contains("main: merged", pulled.Out, StringComparison.Ordinal);
        Assert.Equal("18", Ok(c, "get", "stats/visits").Out.Trim());
        Ok(c, "push", "--identity", Identity("c"));

        Assert.Contains("main: fast-forward", Ok(b, "pull", "--identity", Identity("b")).Out, StringComparison.Ordinal);
        Assert.Equal("18", Ok(b, "get", "stats/visits").Out.Trim());
        Assert.Contains("already up to date", Ok(b, "push", "--identity", Identity("b")).Out, StringComparison.Ordinal);
        Assert.Equal("18", Ok(hub, "get", "stats/visits").Out.Trim()); // a reader beside the server
        Assert.Contains("no problems", Ok(b, "fsck").Out, StringComparison.Ordinal);
        Assert.Contains("no problems", Ok(c, "fsck").Out, StringComparison.Ordinal);
        Assert.Equal(Ok(b, "snapshot").Out, Ok(c, "snapshot").Out);
    }

    [Fact]
    public void Refusals_ExitWithTheirCode_AndOneLine()
    {
        var hub = Make("hub");
        Ok(hub, "init", "--contents", "counter");
        Ok(hub, "set", "n", "1");
        var (url, hubFingerprint) = Serve(hub, Fingerprint("b"));

        // Not on the allow list: unauthorized, nothing cloned into the store.
        var stranger = Irmin.Run(dir, "clone", url, "stranger", "--fingerprint", hubFingerprint, "--identity", Identity("stranger"));
        Fails(stranger, 4, "certificate");

        // A server whose certificate is not the pinned one: unauthorized.
        Fails(Irmin.Run(dir, "clone", url, "pinned", "--fingerprint", Fingerprint("c"), "--identity", Identity("b")), 4, "pinned");

        // Nobody listening: unreachable (at once with --timeout 0: no retry).
        Fails(Irmin.Run(dir, "clone", "irmin://127.0.0.1:1/default", "none", "--fingerprint", hubFingerprint, "--identity", Identity("b"), "--timeout", "0"), 3, "cannot reach");

        // No such store on the server: refused.
        Fails(Irmin.Run(dir, "clone", url.Replace("/default", "/other", StringComparison.Ordinal), "other", "--fingerprint", hubFingerprint, "--identity", Identity("b")), 6, "no store named 'other'");

        // A string store fetching from a counter store: incompatible.
        var strings = Make("strings");
        Ok(strings, "init", "--contents", "string");
        Ok(strings, "remote", "add", "origin", url, "--fingerprint", hubFingerprint);
        Fails(Irmin.Run(strings, "fetch", "--identity", Identity("b")), 5, "counter");

        // Bad input: a malformed URL or fingerprint is a usage error; an unknown remote a failure.
        Fails(Irmin.Run(strings, "remote", "add", "x", "http://host/store", "--fingerprint", hubFingerprint), 2, "not a remote URL");
        Fails(Irmin.Run(strings, "remote", "add", "x", url, "--fingerprint", "abc"), 2, "not a certificate fingerprint");
        Fails(Irmin.Run(strings, "push", "nowhere", "--identity", Identity("b")), 1, "no remote 'nowhere'");
        Fails(Irmin.Run(hub, "serve", "--insecure-loopback", "--listen", "0.0.0.0:0"), 2, "loopback");
    }

    [Fact]
    public void Unreachable_IsRetriedUntilTheTimeout_SayingSoOnStderr()
    {
        var result = Irmin.Run(dir, "clone", "irmin://127.0.0.1:1/default", "none", "--insecure-loopback", "--timeout", "1");
        Assert.Equal(3, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.Contains("retrying in", StringComparison.Ordinal) && l.Contains("(attempt 2)", StringComparison.Ordinal));
        Assert.Contains("gave up after", lines[^1], StringComparison.Ordinal);
        Assert.Contains("cannot reach", lines[^1], StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Serve_SeveralStoresByName_OverInsecureLoopback()
    {
        var one = Make("one");
        var two = Make("two");
        Ok(one, "init");
        Ok(one, "set", "motd", "hello");
        Ok(two, "init", "--contents", "counter");
        Ok(two, "set", "n", "5");
        var server = Irmin.Start(one, "serve", "--insecure-loopback", "--listen", "127.0.0.1:0", "--store", "metrics=" + Path.Combine(two, ".irmin"));
        servers.Add(server);
        var first = server.StandardOutput.ReadLine()!;
        var second = server.StandardOutput.ReadLine()!;
        _ = server.StandardError.ReadToEndAsync();
        var port = Regex.Match(first, @":(\d+)/default$").Groups[1].Value;
        Assert.EndsWith($":{port}/metrics", second, StringComparison.Ordinal);

        Ok(dir, "clone", $"irmin://127.0.0.1:{port}/metrics", "m", "--insecure-loopback");
        Ok(dir, "clone", $"irmin://127.0.0.1:{port}/default", "d", "--insecure-loopback");
        Assert.Equal("5", Ok(Path.Combine(dir, "m"), "get", "n").Out.Trim());
        Assert.Equal("hello", Ok(Path.Combine(dir, "d"), "get", "motd").Out.Trim());
    }

    [GeneratedRegex(@"as (irmin://127\.0\.0\.1:\d+/default)")]
    private static partial Regex ServingLine();

    private static void Fails(Irmin.Result result, int exitCode, string mention)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, expected {exitCode}: {result.Error}{result.Out}");
        var lines = result.Error.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("irmin: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(mention, lines[0], StringComparison.Ordinal);
    }

    private static Irmin.Result Ok(string workingDirectory, params string[] args)
    {
        var result = Irmin.Run(workingDirectory, args);
        Assert.True(result.ExitCode == 0, $"irmin {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    private string Make(string name) => Directory.CreateDirectory(Path.Combine(dir, name)).FullName;

    private string Identity(string device) => Path.Combine(dir, device + ".p12");

    private string Fingerprint(string device) => Ok(dir, "cert", "--identity", Identity(device)).Out.Trim();

    /// <summary>Starts <c>irmin serve</c> on an ephemeral port; returns its URL and fingerprint.</summary>
    private (string Url, string Fingerprint) Serve(string store, params string[] allowed)
    {
        var fingerprint = Fingerprint("hub");
        string[] args = ["serve", "--listen", "127.0.0.1:0", "--identity", Identity("hub"), .. allowed.SelectMany(a => new[] { "--allow", a })];
        var server = Irmin.Start(store, args);
        servers.Add(server);
        var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("irmin serve exited: " + server.StandardError.ReadToEnd());
        _ = server.StandardError.ReadToEndAsync();
        var match = ServingLine().Match(line);
        Assert.True(match.Success, line);
        return (match.Groups[1].Value, fingerprint);
    }
}
