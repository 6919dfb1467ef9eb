using IrminSharp.Compare;

IScenario[] scenarios = [new WideCommitScenario(), new ShardedCommitScenario(), new MergeScenario()];

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
    ResultReport.Print(Console.Out, scenario.Name, options, scenario.Run(options));
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
