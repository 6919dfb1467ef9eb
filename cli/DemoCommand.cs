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
        var command = new Command("demo", "A scripted tour: branches, typed three-way merges, log, conflicts");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        var console = AnsiConsole.Console;
        console.MarkupLine("[bold]IrminSharp tour[/] [grey](in-memory store)[/]");
        console.WriteLine();
        CounterTour(console);
        JsonTour(console);
        ConflictTour(console);
        return 0;
    }

    private static void CounterTour(IAnsiConsole console)
    {
        console.Write(new Rule("1. A counter edited on two branches"));
        using var repo = MemoryRepository.Create(CounterContents.Instance);
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

    private static void JsonTour(IAnsiConsole console)
    {
        console.Write(new Rule("2. A JSON document merged key by key"));
        using var repo = MemoryRepository.Create(JsonContents.Instance);
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

    private static void ConflictTour(IAnsiConsole console)
    {
        console.Write(new Rule("3. A structured conflict"));
        using var repo = MemoryRepository.Create(StringContents.Instance);
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
        console.MarkupLine("each conflict also carries the hashes of the three versions, e.g. ours = " + Markup.Escape(result.Conflicts[0].Ours ?? "-"));
        console.MarkupLine($"main still reads motd = [blue]{Markup.Escape(main.Get("motd"))}[/]");
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string Value(StoreHandle<string> store, string path) =>
        store.TryGet(path, out var value) ? value : "-";
}
