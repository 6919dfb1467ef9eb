using System.Diagnostics;
using System.Net;
using System.Text;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Runs <c>openssl s_client</c> against a server with empty standard input and a time limit:
/// an outside TLS implementation's view of the handshake.
/// </summary>
public static class OpenSslClient
{
    /// <summary>What one run printed and how it ended.</summary>
    public sealed record Run(int ExitCode, string Output, bool TimedOut);

    /// <summary>
    /// <c>openssl s_client -connect 127.0.0.1:PORT -tls1_3 -ign_eof</c> plus
    /// <paramref name="extraArguments"/>, sending <paramref name="input"/> once connected and then
    /// reading until the server closes; stdout and stderr together; killed after
    /// <paramref name="limit"/>. Fails (does not skip) when openssl cannot be started.
    /// </summary>
    public static async Task<Run> ConnectAsync(IPEndPoint server, byte[] input, TimeSpan limit, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_3", "-ign_eof", .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("these tests need the openssl command-line tool on PATH (apt-get install openssl): " + e.Message, e);
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close(); // -ign_eof: keeps reading until the server closes

            using var timeout = new CancellationTokenSource(limit);
            var timedOut = false;
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.WaitForExit(); // drains the redirected streams
            lock (output)
            {
                return new Run(process.ExitCode, output.ToString(), timedOut);
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
