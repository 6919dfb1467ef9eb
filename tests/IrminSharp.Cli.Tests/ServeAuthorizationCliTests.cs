using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace IrminSharp.Cli.Tests;

/// <summary>
/// <c>irmin serve --allow-read</c> and <c>--config</c> as separate processes on 127.0.0.1: a
/// read-only client clones but cannot push, a config file grants by store, and a bad config file
/// stops the server with an error naming its line.
/// </summary>
public sealed partial class ServeAuthorizationCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("irmin-serve-authz-").FullName;
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
    public void AllowRead_ClonesAndPulls_ButPushIsUnauthorized()
    {
        var hub = Make("hub");
        Ok(hub, "init", "--contents", "counter");
        Ok(hub, "set", "n", "1");
        var (url, hubFingerprint) = Serve(hub, "--allow-read", Fingerprint("reader"));

        Ok(dir, "clone", url, "reader", "--fingerprint", hubFingerprint, "--identity", Identity("reader"));
        var reader = Path.Combine(dir, "reader");
        Assert.Equal("1", Ok(reader, "get", "n").Out.Trim());

        Ok(reader, "set", "n", "2");
        Fails(Irmin.Run(reader, "push", "--identity", Identity("reader")), 4, "may read store 'default' but not push to it");
        Assert.Equal("1", Ok(hub, "get", "n").Out.Trim());
    }

    [Fact]
    public void Config_GrantsByStore_AndWriteIsNotForce()
    {
        var hub = Make("hub");
        Ok(hub, "init", "--contents", "counter");
        Ok(hub, "set", "n", "1");
        var config = Path.Combine(dir, "serve.conf");
        File.WriteAllText(config, $"# grants\nwrite {Fingerprint("writer")} default\nread {Fingerprint("reader")} *\n");
        var (url, hubFingerprint) = Serve(hub, "--config", config);

        Ok(dir, "clone", url, "writer", "--fingerprint", hubFingerprint, "--identity", Identity("writer"));
        Ok(dir, "clone", url, "stale", "--fingerprint", hubFingerprint, "--identity", Identity("writer"));
        var writer = Path.Combine(dir, "writer");
        Ok(writer, "set", "n", "2");
        Ok(writer, "push", "--identity", Identity("writer"));
        Assert.Equal("2", Ok(hub, "get", "n").Out.Trim());

        // Not a fast-forward: --force needs a force grant.
        var stale = Path.Combine(dir, "stale");
        Ok(stale, "set", "n", "4");
        Fails(Irmin.Run(stale, "push", "--force", "--identity", Identity("writer")), 4, "no force grant");
        Assert.Equal("2", Ok(hub, "get", "n").Out.Trim());

        // The reader on every store clones, and cannot push.
        Ok(dir, "clone", url, "reader", "--fingerprint", hubFingerprint, "--identity", Identity("reader"));
        Ok(Path.Combine(dir, "reader"), "set", "n", "5");
        Fails(Irmin.Run(Path.Combine(dir, "reader"), "push", "--identity", Identity("reader")), 4, "may read store 'default' but not push to it");
    }

    [Theory]
    [InlineData("wirte {0} default", "line 2: 'wirte' is not an access")]
    [InlineData("read {0} other", "line 2: no store named 'other' is served (served: default)")]
    [InlineData("read 12:34 default", "line 2: '12:34' is not a certificate fingerprint")]
    public void Config_WithABadLine_IsAUsageErrorNamingTheLine(string line, string mention)
    {
        var hub = Make("hub");
        Ok(hub, "init", "--contents", "counter");
        var config = Path.Combine(dir, "serve.conf");
        File.WriteAllText(config, $"read {Fingerprint("reader")} default\n{string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Fingerprint("writer"))}\n");
        Fails(Irmin.Run(hub, "serve", "--listen", "127.0.0.1:0", "--identity", Identity("hub"), "--config", config), 2, config + " " + mention);
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

    /// <summary>Starts <c>irmin serve</c> with <paramref name="options"/> on an ephemeral port; returns its URL and fingerprint.</summary>
    private (string Url, string Fingerprint) Serve(string store, params string[] options)
    {
        var fingerprint = Fingerprint("hub");
        string[] args = ["serve", "--listen", "127.0.0.1:0", "--identity", Identity("hub"), .. options];
        var server = Irmin.Start(store, args);
        servers.Add(server);
        var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("irmin serve exited: " + server.StandardError.ReadToEnd());
        _ = server.StandardError.ReadToEndAsync();
        var match = ServingLine().Match(line);
        Assert.True(match.Success, line);
        return (match.Groups[1].Value, fingerprint);
    }
}
