using System.Text.Json.Nodes;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary>Writes results as text lines or as one JSON document.</summary>
internal static class Output
{
    public static void Json(JsonNode node) => Console.Out.WriteLine(node.ToJsonString());

    public static JsonObject Commit(Commit commit) => new()
    {
        ["hash"] = commit.Hash.ToString(),
        ["parents"] = new JsonArray([.. commit.Parents.Select(p => (JsonNode)p.ToString())]),
        ["author"] = commit.Info.Author,
        ["message"] = commit.Info.Message,
        ["date"] = commit.Info.Date.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["root"] = commit.Root.ToString(),
    };
}
