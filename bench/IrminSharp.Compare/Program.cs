using System.Diagnostics;
using IrminSharp.Compare;

// First thing, so the open scenario's child process times its whole Main.
var started = Stopwatch.StartNew();
if (args.Length > 0 && args[0] == OpenChild.Command)
{
    return OpenChild.Run(args, started);
}

// hub-load has its own options (HubLoadOptions): a fleet of devices against an `irmin serve` process.
if (args.Length > 0 && args[0] == HubLoadScenario.Name)
{
    return HubLoadScenario.Run(args);
}

IScenario[] scenarios = [new WideCommitScenario(), new ShardedCommitScenario(), new MergeScenario(), new OpenScenario(), new ReadScenario(), new SyncScenario(), new MergeTextScenario()];

HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

var scenario = scenarios.FirstOrDefault(s => s.Name == options.Scenario);
if (scenario is null)
{
    Console.Error.WriteLine($"error: unknown scenario '{options.Scenario}' ({string.Join(", ", scenarios.Select(s => s.Name))})");
    return 2;
}

try
{
    scenario.Run(options).Print(Console.Out, scenario.Name, options);
    return 0;
}
catch (VerificationException e)
{
    Console.Error.WriteLine("FAILED: " + e.Message);
    return 1;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
