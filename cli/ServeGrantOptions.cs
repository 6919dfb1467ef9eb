using System.CommandLine;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary>
/// <c>serve</c>'s grants beyond <c>--allow</c> (which is <see cref="SyncServerOptions.AllowedClients"/>):
/// <c>--allow-read FP</c> and <c>--config FILE</c>. See "Authorization" in docs/protocol/sync.md.
/// </summary>
internal sealed class ServeGrantOptions
{
    public Option<string[]> AllowRead { get; } = new("--allow-read")
    {
        Description = "A client certificate fingerprint that may only fetch, from every served store (repeat for several)",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Config { get; } = new("--config")
    {
        Description = "A file of grants by client and store, a line each: read|write|force FINGERPRINT STORE... (* for every store)",
    };

    /// <summary>The grants given in <paramref name="result"/>; the config file may name only <paramref name="served"/> stores.</summary>
    public SyncAuthorization Authorization(ParseResult result, IReadOnlyCollection<string> served)
    {
        var readers = (result.GetValue(AllowRead) ?? []).Select(SyncIdentity.NormalizeFingerprint);
        var fromFile = result.GetValue(Config) is { } path ? SyncAuthorizationFile.Load(path, served) : SyncAuthorization.None;
        return new SyncAuthorization([.. fromFile.Grants, .. readers.Select(r => new StoreGrant(r, SyncAuthorization.EveryStore, StoreAccess.Read))]);
    }
}
