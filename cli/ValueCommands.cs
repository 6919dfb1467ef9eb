using System.CommandLine;
using System.Text.Json.Nodes;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary><c>get</c>, <c>set</c>, <c>rm</c>, <c>ls</c> and <c>tree</c>.</summary>
internal static class ValueCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Get();
        yield return Set();
        yield return Remove();
        yield return List();
        yield return TreeCommand();
    }

    private static Command Get()
    {
        var path = new Argument<string>("path") { Description = "The path to read" };
        var command = new Command("get", "Print the value at a path") { path };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var where = StorePath.Parse(result.GetValue(path)!);
            var value = session.View.Get(GlobalOptions.BranchName(result), where)
                ?? throw new PathNotFoundException(where, $"branch '{GlobalOptions.BranchName(result)}'");
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject { ["path"] = where.ToString(), ["value"] = value });
            }
            else
            {
                Console.Out.WriteLine(value);
            }

            return 0;
        });
        return command;
    }

    private static Command Set()
    {
        var path = new Argument<string>("path") { Description = "The path to write" };
        var value = new Argument<string>("value") { Description = "The value, in the store's content type" };
        var message = new Option<string?>("--message", "-m") { Description = "The commit message" };
        var author = new Option<string?>("--author") { Description = "The commit author" };
        var command = new Command("set", "Set the value at a path and commit") { path, value, message, author };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var where = StorePath.Parse(result.GetValue(path)!);
            var info = GlobalOptions.Info(result.GetValue(author), result.GetValue(message) ?? $"set /{where}");
            var commit = session.View.Set(GlobalOptions.BranchName(result), where, result.GetValue(value)!, info);
            Report(result, commit);
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var path = new Argument<string>("path") { Description = "The path to remove, with everything below it" };
        var message = new Option<string?>("--message", "-m") { Description = "The commit message" };
        var author = new Option<string?>("--author") { Description = "The commit author" };
        var command = new Command("rm", "Remove a path and commit") { path, message, author };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var where = StorePath.Parse(result.GetValue(path)!);
            var branch = GlobalOptions.BranchName(result);
            if (session.View.Head(branch) is null || !session.View.TreeAt(branch).ContainsContents(where) && !session.View.TreeAt(branch).ContainsNode(where))
            {
                throw new PathNotFoundException(where, $"branch '{branch}'");
            }

            var commit = session.View.Remove(branch, where, GlobalOptions.Info(result.GetValue(author), result.GetValue(message) ?? $"remove /{where}"));
            Report(result, commit!);
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var path = new Argument<string>("path") { Description = "The directory to list", DefaultValueFactory = _ => "/" };
        var command = new Command("ls", "List a directory") { path };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var where = StorePath.Parse(result.GetValue(path)!);
            var tree = HeadTree(session, GlobalOptions.BranchName(result));
            if (!where.IsRoot && !tree.ContainsNode(where))
            {
                throw new PathNotFoundException(where, "as a directory");
            }

            var entries = tree.List(where).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonArray([.. entries.Select(e => (JsonNode)new JsonObject { ["name"] = e.Key, ["kind"] = e.Value.IsNode ? "directory" : "value" })]));
                return 0;
            }

            foreach (var (name, child) in entries)
            {
                Console.Out.WriteLine(child.IsNode ? name + "/" : name);
            }

            return 0;
        });
        return command;
    }

    private static Command TreeCommand()
    {
        var path = new Argument<string>("path") { Description = "Where to start", DefaultValueFactory = _ => "/" };
        var command = new Command("tree", "Print every value under a path") { path };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var where = StorePath.Parse(result.GetValue(path)!);
            var sub = HeadTree(session, GlobalOptions.BranchName(result)).Find(where) ?? throw new PathNotFoundException(where);
            var items = sub.EnumerateContents()
                .Select(e => (Path: where.Append(e.Key).ToString(), Value: session.View.Format(e.Value)))
                .OrderBy(e => e.Path, StringComparer.Ordinal)
                .ToList();
            if (GlobalOptions.WantsJson(result))
            {
                var obj = new JsonObject();
                foreach (var (p, v) in items)
                {
                    obj[p] = v;
                }

                Output.Json(obj);
                return 0;
            }

            foreach (var (p, v) in items)
            {
                Console.Out.WriteLine($"/{p} = {v}");
            }

            return 0;
        });
        return command;
    }

    internal static Tree HeadTree(StoreSession session, string branch) =>
        session.View.Head(branch) is { } head ? session.View.TreeAt(head.ToString()) : Tree.Empty;

    internal static void Report(ParseResult result, Commit commit)
    {
        if (GlobalOptions.WantsJson(result))
        {
            Output.Json(Output.Commit(commit));
        }
        else
        {
            Console.Out.WriteLine($"[{GlobalOptions.BranchName(result)} {commit.Hash.ToShortString()}] {commit.Info.Message}");
        }
    }
}
