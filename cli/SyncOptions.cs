using System.CommandLine;
using System.Globalization;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary>Options the sync commands share: this device's identity and how to trust a server.</summary>
internal static class SyncOptions
{
    public static Option<string?> Identity() => new("--identity")
    {
        Description = "This device's certificate and key (PKCS#12), created on first use (default: $IRMIN_IDENTITY or ~/.config/irmin/identity.p12)",
    };

    public static Option<string?> Fingerprint() => new("--fingerprint")
    {
        Description = "The server's certificate fingerprint, as 'irmin cert' prints it on the server",
    };

    public static Option<bool> InsecureLoopback() => new("--insecure-loopback")
    {
        Description = "Plain TCP without TLS or authentication; allowed only on a loopback address",
    };

    public static string IdentityPath(ParseResult result, Option<string?> identity) => result.GetValue(identity) ?? SyncIdentity.DefaultPath;

    public static Option<double> Timeout() => new("--timeout")
    {
        Description = "Seconds to keep retrying while the server is busy or the connection is refused or lost (0: no retry)",
        DefaultValueFactory = _ => 60,
    };

    /// <summary>
    /// <paramref name="options"/> retrying for the <c>--timeout</c> given, and saying on stderr when
    /// it waits (stdout stays for the result).
    /// </summary>
    public static RemoteOptions WithRetry(RemoteOptions options, ParseResult result, Option<double> timeout)
    {
        var seconds = result.GetValue(timeout);
        if (!(seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            throw new ArgumentException($"--timeout {seconds} is not a number of seconds (0 or more)");
        }

        return options with
        {
            Timeout = TimeSpan.FromSeconds(seconds),
            Retrying = retry => Console.Error.WriteLine(
                $"irmin: {(retry.Error.Kind == SyncErrorKind.Busy ? "hub busy" : PrintableText.Escape(retry.Error.Message))}, retrying in {retry.Delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (attempt {retry.Attempt})"),
        };
    }

    /// <summary>How to connect to <paramref name="remote"/>: its pinned fingerprint, this device's identity.</summary>
    public static RemoteOptions For(RemoteConfig remote, string identityPath)
    {
        if (remote.InsecureLoopback)
        {
            return new RemoteOptions { InsecureLoopback = true };
        }

        if (remote.ServerFingerprint is null)
        {
            throw new ArgumentException($"remote '{remote.Name}' has no server fingerprint; add it again with --fingerprint (run 'irmin cert' on the server)");
        }

        return new RemoteOptions { Identity = SyncIdentity.LoadOrCreate(identityPath), ServerFingerprint = remote.ServerFingerprint };
    }
}
