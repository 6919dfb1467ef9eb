using System.CommandLine;
using IrminSharp.Cli;

var root = new RootCommand("irmin: a Git-like, content-addressed, mergeable store");
GlobalOptions.AddTo(root);
root.Add(InitCommand.Create());
foreach (var command in ValueCommands.Create().Concat(HistoryCommands.Create()).Concat(RefCommands.Create()).Concat(MaintenanceCommands.Create()))
{
    root.Add(command);
}

foreach (var command in SyncCommands.Create())
{
    root.Add(command);
}

root.Add(DemoCommand.Create());
return await CommandRunner.RunAsync(root, args).ConfigureAwait(false);
