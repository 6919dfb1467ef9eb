using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Compare;

/// <summary>
/// A stock <c>git daemon</c> on 127.0.0.1 serving every repository under a directory, with pushes
/// enabled (anonymous <c>receive-pack</c>). Killed, with the processes it forked, when disposed.
/// </summary>
internal sealed class GitDaemon : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly Task<string> errors;

    private GitDaemon(Process process, Task<string> errors, IPEndPoint endPoint)
    {
        this.process = process;
        this.errors = errors;
        EndPoint = endPoint;
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Starts <c>git daemon --reuseaddr --export-all --enable=receive-pack --base-path=<paramref name="basePath"/></c>
    /// on a free loopback port and waits until it accepts connections.
    /// </summary>
    public static GitDaemon Start(string basePath, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var port = FreePort();
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--informative-errors",
            "--base-path=" + basePath, "--listen=127.0.0.1", string.Create(CultureInfo.InvariantCulture, $"--port={port}"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git daemon");
        var daemon = new GitDaemon(process, process.StandardError.ReadToEndAsync(), new IPEndPoint(IPAddress.Loopback, port));
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            daemon.WaitUntilListening();
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }

        process.Dispose();
    }

    /// <summary>A port nothing listens on now (the daemon binds it a moment later).</summary>
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private void WaitUntilListening()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"git daemon exited with {process.ExitCode}: {errors.GetAwaiter().GetResult().Trim()}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(EndPoint);
                return;
            }
            catch (SocketException) when (clock.Elapsed < StartTimeout)
            {
                Thread.Sleep(20);
            }
        }
    }
}
