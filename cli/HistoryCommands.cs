using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using IrminSharp.Store;

namespace IrminSharp.Cli;

/// <summary><c>log</c>, <c>diff</c>, <c>snapshot</c>, <c>revert</c>, <c>dot</c> and <c>watch</c>.</summary>
internal static class HistoryCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Log();
        yield return Diff();
        yield return Snapshot();
        yield return Revert();
        yield return Dot();
        yield return Watch();
    }

    private static Command Log()
    {
        var count = new Option<int?>("-n") { Description = "Show at most N commits" };
        var oneline = new Option<bool>("--oneline") { Description = "One line per commit" };
        var path = new Argument<string?>("path") { Description = "Only commits that changed this path", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("log", "Show the history of the branch") { count, oneline, path };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var branch = GlobalOptions.BranchName(result);
            var head = session.View.Head(branch) ?? throw new IrminException($"branch '{branch}' has no commits");
            var limit = result.GetValue(count) ?? int.MaxValue;
            if (limit < 0)
            {
                throw new ArgumentException("-n cannot be negative");
            }

            var commits = result.GetValue(path) is { } p
                ? session.View.LastModified(branch, StorePath.Parse(p), limit)
                : session.View.Log(head).Take(limit).ToList();
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonArray([.. commits.Select(c => (JsonNode)Output.Commit(c))]));
                return 0;
            }

            foreach (var commit in commits)
            {
                if (result.GetValue(oneline))
                {
                    Console.Out.WriteLine($"{commit.Hash.ToShortString()} {FirstLine(commit.Info.Message)}");
                    continue;
                }

                Console.Out.WriteLine($"commit {commit.Hash}");
                if (commit.Parents.Length > 1)
                {
                    Console.Out.WriteLine("Merge: " + string.Join(" ", commit.Parents.Select(x => x.ToShortString())));
                }

                Console.Out.WriteLine($"Author: {commit.Info.Author}");
                Console.Out.WriteLine($"Date:   {commit.Info.Date.ToString("ddd MMM d HH:mm:ss yyyy zzz", CultureInfo.InvariantCulture)}");
                Console.Out.WriteLine();
                foreach (var line in commit.Info.Message.Split('\n'))
                {
                    Console.Out.WriteLine("    " + line);
                }

                Console.Out.WriteLine();
            }

            return 0;
        });
        return command;
    }

    private static Command Diff()
    {
        var from = new Argument<string>("from") { Description = "A commit, branch or tag" };
        var to = new Argument<string>("to") { Description = "A commit, branch or tag" };
        var command = new Command("diff", "Show what changed between two commits or branches") { from, to };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var a = session.View.TreeAt(result.GetValue(from)!);
            var b = session.View.TreeAt(result.GetValue(to)!);
            var changes = a.Diff(b).OrderBy(c => c.Path.ToString(), StringComparer.Ordinal).ToList();
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonArray([.. changes.Select(c => (JsonNode)new JsonObject
                {
                    ["path"] = c.Path.ToString(),
                    ["change"] = c.Kind,
                    ["old"] = c.Old is null ? null : session.View.Format(c.Old),
                    ["new"] = c.New is null ? null : session.View.Format(c.New),
                })]));
                return 0;
            }

            foreach (var c in changes)
            {
                var line = c.Kind switch
                {
                    "added" => $"+ /{c.Path} = {session.View.Format(c.New!)}",
                    "removed" => $"- /{c.Path} = {session.View.Format(c.Old!)}",
                    _ => $"~ /{c.Path}: {session.View.Format(c.Old!)} -> {session.View.Format(c.New!)}",
                };
                Console.Out.WriteLine(line);
            }

            return 0;
        });
        return command;
    }

    private static Command Snapshot()
    {
        var command = new Command("snapshot", "Print the hash of the branch's head");
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var branch = GlobalOptions.BranchName(result);
            var head = session.View.Head(branch) ?? throw new IrminException($"branch '{branch}' has no commits");
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject { ["branch"] = branch, ["head"] = head.ToString() });
            }
            else
            {
                Console.Out.WriteLine(head.ToString());
            }

            return 0;
        });
        return command;
    }

    private static Command Revert()
    {
        var target = new Argument<string>("commit") { Description = "The commit (hash, branch or tag) to move the head back to" };
        var command = new Command("revert", "Move the branch's head back to a commit") { target };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var branch = GlobalOptions.BranchName(result);
            var commit = session.View.Resolve(result.GetValue(target)!);
            var current = session.View.Head(branch);
            if (!session.View.MoveBranch(branch, current, commit))
            {
                throw new RefConflictException(branch, current, session.View.Head(branch));
            }

            Console.Out.WriteLine($"{branch} is now at {commit.ToShortString()} (was {current?.ToShortString() ?? "nothing"})");
            return 0;
        });
        return command;
    }

    private static Command Dot()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var command = new Command("dot", "Print the history as a Graphviz graph") { output };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var view = session.View;
            var text = new StringBuilder("digraph irmin {\n  rankdir=BT;\n  node [shape=box, fontname=monospace];\n");
            var heads = view.Branches().Select(b => (Name: b, Kind: "branch", Hash: view.Head(b)!.Value))
                .Concat(view.Tags().Select(t => (Name: t, Kind: "tag", Hash: view.Resolve(t))))
                .ToList();
            var seen = new HashSet<Hash>();
            foreach (var (_, _, hash) in heads)
            {
                foreach (var commit in view.Log(hash))
                {
                    if (!seen.Add(commit.Hash))
                    {
                        continue;
                    }

                    text.Append(CultureInfo.InvariantCulture, $"  \"{commit.Hash}\" [label=\"{commit.Hash.ToShortString(8)}\\n{Escape(FirstLine(commit.Info.Message))}\"];\n");
                    foreach (var parent in commit.Parents)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"  \"{commit.Hash}\" -> \"{parent}\";\n");
                    }
                }
            }

            foreach (var (name, kind, hash) in heads)
            {
                text.Append(CultureInfo.InvariantCulture, $"  \"{kind}:{Escape(name)}\" [shape={(kind == "branch" ? "ellipse" : "note")}, label=\"{Escape(name)}\"];\n");
                text.Append(CultureInfo.InvariantCulture, $"  \"{kind}:{Escape(name)}\" -> \"{hash}\" [style=dashed];\n");
            }

            text.Append("}\n");
            if (result.GetValue(output) is { } file)
            {
                File.WriteAllText(file, text.ToString());
            }
            else
            {
                Console.Out.Write(text.ToString());
            }

            return 0;
        });
        return command;
    }

    private static Command Watch()
    {
        var path = new Argument<string>("path") { Description = "Only changes under this path", DefaultValueFactory = _ => "/" };
        var max = new Option<int?>("--max-events") { Description = "Stop after this many changes (default: run until interrupted)" };
        var interval = new Option<int>("--interval-ms") { Description = "How often to look for changes", DefaultValueFactory = _ => 200 };
        var command = new Command("watch", "Print a line for each change until interrupted") { path, max, interval };
        command.SetAction((result, cancellation) =>
        {
            var location = GlobalOptions.Location(result);
            var branch = GlobalOptions.BranchName(result);
            var where = StorePath.Parse(result.GetValue(path)!);
            var remaining = result.GetValue(max) ?? int.MaxValue;
            Hash? last;
            using (var first = StoreSession.Open(location, readOnly: true))
            {
                last = first.View.Head(branch);
            }

            Console.Out.WriteLine($"watching /{where} on {branch} at {last?.ToShortString() ?? "nothing"}");
            Console.Out.Flush();
            while (remaining > 0 && !cancellation.IsCancellationRequested)
            {
                try
                {
                    Task.Delay(result.GetValue(interval), cancellation).Wait(cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                // Another process writes the store: re-open it read-only to see its latest root.
                using var session = StoreSession.Open(location, readOnly: true);
                var head = session.View.Head(branch);
                if (head == last)
                {
                    continue;
                }

                var before = last is { } l ? session.View.TreeAt(l.ToString()).Find(where) : null;
                var after = head is { } h ? session.View.TreeAt(h.ToString()).Find(where) : null;
                var changes = (before ?? Tree.Empty).Diff(after ?? Tree.Empty).Select(c => c with { Path = where.Append(c.Path) }).ToList();
                foreach (var c in changes.OrderBy(c => c.Path.ToString(), StringComparer.Ordinal))
                {
                    var value = c.New is null ? "(removed)" : session.View.Format(c.New);
                    Console.Out.WriteLine($"{head?.ToShortString() ?? "deleted"} {c.Kind} /{c.Path} {value}");
                    remaining--;
                }

                Console.Out.Flush();
                last = head;
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
