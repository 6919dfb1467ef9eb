using System.CommandLine;
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
