using System.Globalization;

namespace IrminSharp.Sync;

/// <summary>Where a remote store is: <c>irmin://host[:port][/store]</c>.</summary>
public sealed record RemoteUrl(string Host, int Port, string Store)
{
    /// <summary>The port a server listens on unless told otherwise.</summary>
    public const int DefaultPort = 9181;

    /// <summary>The store a server serves when no name is given.</summary>
    public const string DefaultStore = "default";

    /// <summary>Parses a URL; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static RemoteUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        const string scheme = "irmin://";
        if (!url.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{url}' is not a remote URL (expected irmin://host:port/store)");
        }

        var rest = url[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var store = slash < 0 ? "" : rest[(slash + 1)..].TrimEnd('/');
        string host;
        var port = DefaultPort;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"'{url}' has an unclosed IPv6 address");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                port = after[0] == ':' ? ParsePort(url, after[1..]) : throw new ArgumentException($"'{url}' has junk after the address");
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            if (colon >= 0)
            {
                port = ParsePort(url, authority[(colon + 1)..]);
            }
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"'{url}' names no host");
        }

        if (store.Contains('/', StringComparison.Ordinal) || store.Any(char.IsControl))
        {
            throw new ArgumentException($"'{url}' names an invalid store '{store}'");
        }

        return new RemoteUrl(host, port, store.Length == 0 ? DefaultStore : store);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return string.Create(CultureInfo.InvariantCulture, $"irmin://{host}:{Port}/{Store}");
    }

    private static int ParsePort(string url, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"'{url}' has an invalid port '{text}'");
}
