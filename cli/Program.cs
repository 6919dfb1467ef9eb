using System.CommandLine;
using IrminSharp.Cli;

var root = new RootCommand("irmin: a Git-like, content-addressed, mergeable store")
{
    DemoCommand.Create(),
};

return CommandRunner.Run(root, args);
