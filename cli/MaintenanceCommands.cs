using System.CommandLine;
using System.Text.Json.Nodes;
using IrminSharp.Backends.Pack;
using IrminSharp.Store;
using Spectre.Console;

namespace IrminSharp.Cli;

/// <summary><c>fsck</c>, <c>gc</c> and <c>stats</c>.</summary>
internal static class MaintenanceCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Fsck();
        yield return Gc();
        yield return Stats();
    }

    private static Command Fsck()
    {
        var recover = new Option<bool>("--recover")
        {
            Description = "If the newest root is damaged, make the previous one current (what the newest added is lost)",
        };
        var command = new Command("fsck", "Check every record, hash and reachable object") { recover };
        command.SetAction(result =>
        {
            var recovering = result.GetValue(recover);
            using var pack = GlobalOptions.Location(result).Open(readOnly: !recovering, recover: recovering);
            if (recovering && pack.RecoveryNote is { } note)
            {
                Console.Error.WriteLine("recovered: " + note);
            }

            var report = WithProgress("checking", progress => pack.Fsck(NativeSchema.Instance, progress));
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject
                {
                    ["records"] = report.Records,
                    ["objects"] = report.Objects,
                    ["reachable"] = report.Reachable,
                    ["problems"] = new JsonArray([.. report.Problems.Select(p => (JsonNode)new JsonObject { ["offset"] = p.Offset, ["subject"] = p.Subject, ["description"] = p.Description })]),
                });
            }
            else
            {
                foreach (var problem in report.Problems)
                {
                    Console.Out.WriteLine("error: " + problem);
                }

                Console.Out.WriteLine($"{report.Records} records, {report.Objects} objects checked, {report.Reachable} reachable; {(report.IsClean ? "no problems" : $"{report.Problems.Length} problem(s)")}");
            }

            return report.IsClean ? 0 : CommandRunner.Failure;
        });
        return command;
    }

    private static Command Gc()
    {
        var keep = new Option<string[]>("--keep") { Description = "Also keep these commits (and their history)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("gc", "Reclaim objects no branch or tag reaches") { keep };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var kept = (result.GetValue(keep) ?? []).Select(session.View.Resolve).ToList();
            var outcome = WithProgress("collecting", _ => session.Pack.Gc(NativeSchema.Instance, kept));
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject { ["live"] = outcome.LiveObjects, ["dead"] = outcome.DeadObjects, ["bytesBefore"] = outcome.BytesBefore, ["bytesAfter"] = outcome.BytesAfter });
            }
            else
            {
                Console.Out.WriteLine($"kept {outcome.LiveObjects} objects, reclaimed {outcome.DeadObjects}; log {outcome.BytesBefore} -> {outcome.BytesAfter} bytes");
            }

            return 0;
        });
        return command;
    }

    private static Command Stats()
    {
        var command = new Command("stats", "Objects, bytes, live and dead");
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var stats = session.Pack.Stats(NativeSchema.Instance);
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject
                {
                    ["objects"] = stats.Objects,
                    ["live"] = stats.LiveObjects,
                    ["dead"] = stats.DeadObjects,
                    ["logBytes"] = stats.LogBytes,
                    ["liveBytes"] = stats.LiveBytes,
                    ["capacityBytes"] = stats.CapacityBytes,
                    ["refs"] = stats.Refs,
                    ["generation"] = stats.Generation,
                    ["contents"] = session.View.ContentType,
                });
                return 0;
            }

            var table = new Table().AddColumns("", "value");
            table.AddRow("contents", session.View.ContentType);
            table.AddRow("objects", stats.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("live / dead", $"{stats.LiveObjects} / {stats.DeadObjects}");
            table.AddRow("log bytes (live)", $"{stats.LogBytes} ({stats.LiveBytes})");
            table.AddRow("capacity bytes", stats.CapacityBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("refs", stats.Refs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar on a terminal, silently otherwise.</summary>
    private static T WithProgress<T>(string label, Func<IProgress<double>?, T> work)
    {
        if (Console.IsOutputRedirected)
        {
            return work(null);
        }

        T result = default!;
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask(label, maxValue: 1.0);
            result = work(new Progress<double>(v => task.Value = v));
            task.Value = 1.0;
        });
        return result;
    }
}
