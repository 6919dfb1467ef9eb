using System.CommandLine;
using System.Text.Json.Nodes;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Spectre.Console;

namespace IrminSharp.Cli;

/// <summary>
/// <c>irmin demo</c>: a short scripted tour of typed values on two branches, three-way merges of
/// a counter and of a JSON document, the log, and a structured conflict.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var memory = new System.CommandLine.Option<bool>("--memory") { Description = "Use in-memory stores instead of pack files" };
        var directory = new System.CommandLine.Option<string?>("--dir") { Description = "Where to create the demo's pack files (default: a new temporary directory)" };
        var command = new Command("demo", "A scripted tour: branches, typed three-way merges, log, conflicts") { memory, directory };
        command.SetAction(result =>
        {
            var dir = result.GetValue(memory) ? null : result.GetValue(directory) ?? Directory.CreateTempSubdirectory("irmin-demo-").FullName;
            return Run(dir);
        });
        return command;
    }

    private static int Run(string? dir)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine(dir is null
            ? "[bold]IrminSharp tour[/] [grey](in-memory stores)[/]"
            : $"[bold]IrminSharp tour[/] [grey](pack stores in {Markup.Escape(dir)})[/]");
        console.WriteLine();
        CounterTour(console, dir);
        JsonTour(console, dir);
        ConflictTour(console, dir);
        if (dir is not null)
        {
            console.WriteLine();
            console.MarkupLine($"the stores stay on disk: try [blue]irmin --root {Markup.Escape(Path.Combine(dir, "counter"))} log --oneline[/]");
        }

        return 0;
    }

    /// <summary>A repository on a new pack file in <paramref name="dir"/>/<paramref name="name"/>, or in memory.</summary>
    private static Repository<T> Open<T>(string? dir, string name, IContentType<T> type)
    {
        if (dir is null)
        {
            return MemoryRepository.Create(type);
        }

        var location = StoreLocation.From(Path.Combine(dir, name), null);
        var pack = location.Create(type.Name, 64L << 20);
        return Repository<T>.Open(pack.Objects, pack.Refs, type);
    }

    private static void CounterTour(IAnsiConsole console, string? dir)
    {
        console.Write(new Rule("1. A counter edited on two branches"));
        using var repo = Open(dir, "counter", CounterContents.Instance);
        var main = repo.Main;
        var start = main.Set("stats/visits", 10, "start at 10");
        repo.CreateBranch("device", start.Hash);
        var device = repo.Branch("device");
        main.Set("stats/visits", main.Get("stats/visits") + 3, "main: +3");
        device.Set("stats/visits", device.Get("stats/visits") + 5, "device: +5");
        console.MarkupLine($"main sees [blue]{main.Get("stats/visits")}[/], device sees [blue]{device.Get("stats/visits")}[/]");
        var merged = main.Merge(device, "merge device into main");
        console.MarkupLine($"after merging device into main: [green]{main.Get("stats/visits")}[/] (10 + 3 + 5: both increments kept)");
        console.WriteLine();
        console.MarkupLine("[bold]log of main[/]");
        foreach (var commit in main.Log())
        {
            var parents = commit.Parents.Length > 1 ? " [grey](merge)[/]" : string.Empty;
            console.MarkupLine($"  [yellow]{commit.Hash.ToShortString()}[/] {Markup.Escape(commit.Info.Message)}{parents}");
        }

        console.MarkupLine($"  merge commit {merged.Hash.ToShortString()} has parents {string.Join(", ", merged.Parents.Select(p => p.ToShortString()))}");
        console.WriteLine();
    }

    private static void JsonTour(IAnsiConsole console, string? dir)
    {
        console.Write(new Rule("2. A JSON document merged key by key"));
        using var repo = Open(dir, "json", JsonContents.Instance);
        var main = repo.Main;
        var start = main.Set("config.json", JsonNode.Parse("""{"name":"sensor","sample":{"rate":10,"unit":"C"}}"""), "initial config");
        repo.CreateBranch("field", start.Hash);
        var field = repo.Branch("field");
        main.Transact(tx =>
        {
            var doc = tx.Get("config.json")!.DeepClone();
            doc["sample"]!["rate"] = 20;
            tx.Set("config.json", doc);
        }, new TransactionOptions { Message = "main: faster sampling" });
        field.Transact(tx =>
        {
            var doc = tx.Get("config.json")!.DeepClone();
            doc["sample"]!["unit"] = "F";
            doc["location"] = "roof";
            tx.Set("config.json", doc);
        }, new TransactionOptions { Message = "field: unit and location" });
        console.MarkupLine($"main:  {Markup.Escape(Show(main.Get("config.json")))}");
        console.MarkupLine($"field: {Markup.Escape(Show(field.Get("config.json")))}");
        main.Merge(field, "merge field into main");
        console.MarkupLine($"merged: [green]{Markup.Escape(Show(main.Get("config.json")))}[/]");
        console.WriteLine();
    }

    private static void ConflictTour(IAnsiConsole console, string? dir)
    {
        console.Write(new Rule("3. A structured conflict"));
        using var repo = Open(dir, "conflict", StringContents.Instance);
        var main = repo.Main;
        var start = main.Transact(tx =>
        {
            tx.Set("motd", "hello");
            tx.Set("owner", "ops");
            tx.Set("readme", "v1");
        }, new TransactionOptions { Message = "initial" })!;
        repo.CreateBranch("other", start.Hash);
        var other = repo.Branch("other");
        main.Transact(tx =>
        {
            tx.Set("motd", "hello from main");
            tx.Set("owner", "alice");
        }, new TransactionOptions { Message = "main edits" });
        other.Transact(tx =>
        {
            tx.Set("motd", "hello from other");
            tx.Set("owner", "bob");
            tx.Set("readme", "v2");
        }, new TransactionOptions { Message = "other edits" });
        var result = main.TryMerge(other.HeadHash!.Value);
        var before = repo.Checkout(start.Hash);
        var table = new Table().AddColumns("path", "reason", "base", "ours", "theirs");
        foreach (var conflict in result.Conflicts)
        {
            table.AddRow(
                Markup.Escape("/" + conflict.Path),
                Markup.Escape(conflict.Reason),
                Markup.Escape(Value(before, conflict.Path)),
                Markup.Escape(Value(main, conflict.Path)),
                Markup.Escape(Value(other, conflict.Path)));
        }

        console.MarkupLine($"merging other into main: [red]{result.Conflicts.Length} conflicts[/] (readme merged cleanly); every path is reported and main did not move");
        console.Write(table);
        console.MarkupLine("each conflict also carries the hashes of the three versions, e.g. ours = " + Markup.Escape(result.Conflicts[0].Objects?.Ours ?? "-"));
        console.MarkupLine($"main still reads motd = [blue]{Markup.Escape(main.Get("motd"))}[/]");
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string Value(StoreHandle<string> store, string path) =>
        store.TryGet(path, out var value) ? value : "-";
}
