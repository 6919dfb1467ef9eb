namespace IrminSharp.Sync;

/// <summary>
/// The text form of a <see cref="SyncAuthorization"/> (<c>irmin serve --config FILE</c>): one grant
/// a line, <c>ACCESS FINGERPRINT STORE...</c>, where ACCESS is <c>read</c>, <c>write</c> or
/// <c>force</c> and STORE a served store's name or <c>*</c> for all of them; blank lines and text
/// from <c>#</c> on are ignored. See docs/protocol/sync.md, "Authorization".
/// </summary>
public static class SyncAuthorizationFile
{
    /// <summary>Reads the file at <paramref name="path"/>; see <see cref="Parse"/>.</summary>
    /// <exception cref="ArgumentException">A line is not a grant; the message names the file and the line.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SyncAuthorization Load(string path, IReadOnlyCollection<string>? servedStores = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path, servedStores);
    }

    /// <summary>
    /// The grants in <paramref name="text"/>, which came from <paramref name="source"/> (named in
    /// errors). With <paramref name="servedStores"/>, a grant on a store not among them is an error
    /// (a misspelt name would otherwise grant nothing, silently).
    /// </summary>
    /// <exception cref="ArgumentException">A line is not a grant; the message names the source and the line.</exception>
    public static SyncAuthorization Parse(string text, string source, IReadOnlyCollection<string>? servedStores = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var grants = new List<StoreGrant>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var comment = line.IndexOf('#', StringComparison.Ordinal);
            var words = (comment >= 0 ? line[..comment] : line).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            string Where() => $"{source} line {i + 1}";
            var access = words[0] switch
            {
                "read" => StoreAccess.Read,
                "write" => StoreAccess.Write,
                "force" => StoreAccess.Force,
                _ => throw new ArgumentException($"{Where()}: '{words[0]}' is not an access (read, write or force); a line is ACCESS FINGERPRINT STORE..."),
            };
            if (words.Length < 3)
            {
                throw new ArgumentException($"{Where()}: a line is ACCESS FINGERPRINT STORE... (a store name, or * for every store)");
            }

            string client;
            try
            {
                client = SyncIdentity.NormalizeFingerprint(words[1]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{Where()}: {e.Message}", e);
            }

            foreach (var store in words.Skip(2))
            {
                if (servedStores is not null && store != SyncAuthorization.EveryStore && !servedStores.Contains(store, StringComparer.Ordinal))
                {
                    throw new ArgumentException(
                        $"{Where()}: no store named '{store}' is served (served: {string.Join(", ", servedStores.Order(StringComparer.Ordinal))})");
                }

                grants.Add(new StoreGrant(client, store, access));
            }
        }

        return new SyncAuthorization(grants);
    }
}
