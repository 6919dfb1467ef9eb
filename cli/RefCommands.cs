using System.CommandLine;
using System.Text.Json.Nodes;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary><c>branch</c>, <c>tag</c> and <c>merge</c>.</summary>
internal static class RefCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Branch();
        yield return Tag();
        yield return Merge();
    }

    private static Command Branch()
    {
        var name = new Argument<string?>("name") { Description = "The branch to create (from the current branch's head)", Arity = ArgumentArity.ZeroOrOne };
        var delete = new Option<bool>("--delete", "-d") { Description = "Delete the branch instead" };
        var command = new Command("branch", "List, create or delete branches") { name, delete };
        command.SetAction(result =>
        {
            var target = result.GetValue(name);
            using var session = GlobalOptions.Open(result, readOnly: target is null);
            var view = session.View;
            if (target is null)
            {
                var current = GlobalOptions.BranchName(result);
                var branches = view.Branches();
                if (GlobalOptions.WantsJson(result))
                {
                    Output.Json(new JsonArray([.. branches.Select(b => (JsonNode)new JsonObject { ["name"] = b, ["head"] = view.Head(b)?.ToString() })]));
                    return 0;
                }

                foreach (var b in branches)
                {
                    Console.Out.WriteLine($"{(b == current ? "*" : " ")} {b} {view.Head(b)?.ToShortString()}");
                }

                return 0;
            }

            if (result.GetValue(delete))
            {
                if (!view.DeleteBranch(target))
                {
                    throw new IrminException($"no branch '{target}'");
                }

                Console.Out.WriteLine($"deleted branch {target}");
                return 0;
            }

            var from = GlobalOptions.BranchName(result);
            var head = view.Head(from) ?? throw new IrminException($"branch '{from}' has no commits to branch from");
            view.CreateBranch(target, head);
            Console.Out.WriteLine($"created branch {target} at {head.ToShortString()}");
            return 0;
        });
        return command;
    }

    private static Command Tag()
    {
        var name = new Argument<string>("name") { Description = "The tag" };
        var commit = new Argument<string?>("commit") { Description = "What to tag (default: the branch's head)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("tag", "Tag a commit") { name, commit };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var view = session.View;
            var branch = GlobalOptions.BranchName(result);
            var at = result.GetValue(commit) is { } c ? view.Resolve(c) : view.Head(branch) ?? throw new IrminException($"branch '{branch}' has no commits");
            view.CreateTag(result.GetValue(name)!, at);
            Console.Out.WriteLine($"tagged {at.ToShortString()} as {result.GetValue(name)}");
            return 0;
        });
        return command;
    }

    private static Command Merge()
    {
        var from = new Argument<string>("branch") { Description = "The branch (or commit) to merge into the current branch" };
        var message = new Option<string?>("--message", "-m") { Description = "The merge commit's message" };
        var author = new Option<string?>("--author") { Description = "The merge commit's author" };
        var command = new Command("merge", "Three-way merge another branch into the current one") { from, message, author };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var view = session.View;
            var into = GlobalOptions.BranchName(result);
            var source = result.GetValue(from)!;
            var theirs = view.Resolve(source);
            var info = GlobalOptions.Info(result.GetValue(author), result.GetValue(message) ?? $"merge {source} into {into}");
            var merged = view.Merge(into, theirs, info);
            if (!merged.TryGetValue(out var commit))
            {
                if (GlobalOptions.WantsJson(result))
                {
                    Output.Json(new JsonObject
                    {
                        ["conflicts"] = new JsonArray([.. merged.Conflicts.Select(c => (JsonNode)new JsonObject
                        {
                            ["path"] = c.Path,
                            ["valuePath"] = c.ValuePath,
                            ["reason"] = c.Reason,
                            ["base"] = c.Base,
                            ["ours"] = c.Ours,
                            ["theirs"] = c.Theirs,
                            ["objects"] = c.Objects is { } o ? new JsonObject { ["base"] = o.Base, ["ours"] = o.Ours, ["theirs"] = o.Theirs } : null,
                        })]),
                    });
                }
                else
                {
                    Console.Out.WriteLine($"merge failed: {merged.Conflicts.Length} conflict(s); {into} did not move");
                    foreach (var c in merged.Conflicts)
                    {
                        Console.Out.WriteLine("CONFLICT " + c);
                    }
                }

                return CommandRunner.Failure;
            }

            ValueCommands.Report(result, commit);
            return 0;
        });
        return command;
    }
}
