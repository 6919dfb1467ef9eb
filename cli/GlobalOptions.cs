using System.CommandLine;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Root = new("--root")
    {
        Description = "The store's directory (default: ./.irmin)",
        Recursive = true,
    };

    public static readonly Option<string?> Device = new("--device")
    {
        Description = "A raw block device holding the store, such as /dev/xvdb or /dev/loop0",
        Recursive = true,
    };

    public static readonly Option<string> Branch = new("--branch", "-b")
    {
        Description = "The branch to use",
        DefaultValueFactory = _ => "main",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON instead of text",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(Root);
        root.Add(Device);
        root.Add(Branch);
        root.Add(Json);
    }

    public static StoreLocation Location(ParseResult result) =>
        StoreLocation.From(result.GetValue(Root), result.GetValue(Device));

    public static StoreSession Open(ParseResult result, bool readOnly) => StoreSession.Open(Location(result), readOnly);

    public static string BranchName(ParseResult result) => result.GetValue(Branch) ?? "main";

    public static bool WantsJson(ParseResult result) => result.GetValue(Json);

    public static CommitInfo Info(string? author, string message) =>
        CommitInfo.Now(author ?? (Environment.UserName is { Length: > 0 } user ? user : "irmin"), message);
}
