using System.Globalization;
using IrminSharp.Compare;

HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var (irmin, peer) = options.Scenario switch
{
    "wide-commit" => CommitScenario.Run(options, sharded: false),
    "sharded-commit" => CommitScenario.Run(options, sharded: true),
    _ => MergeScenario.Run(options),
};

var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(c, $"scenario {options.Scenario}: {options.Entries} entries, {irmin.Operations} timed operations"));
Console.WriteLine($"{"store",-14} {"ops/s",12} {"bytes/op",10} {"timed s",9} {"setup s",9}");
foreach (var m in peer is null ? [irmin] : new[] { irmin, peer })
{
    Console.WriteLine(string.Create(c, $"{m.Name,-14} {m.OpsPerSecond,12:F1} {m.BytesPerOperation,10} {m.Elapsed.TotalSeconds,9:F3} {m.Setup.TotalSeconds,9:F3}"));
}

var peerOps = peer is null ? "none" : peer.OpsPerSecond.ToString("F1", c);
var ratio = peer is null ? "none" : (irmin.OpsPerSecond / peer.OpsPerSecond).ToString("F2", c);
var peerBytes = peer is null ? "none" : peer.BytesPerOperation.ToString(c);
Console.WriteLine(string.Create(c, $"RESULT scenario={options.Scenario} irmin={irmin.OpsPerSecond:F1} peer={peerOps} ratio={ratio} irmin_bytes_per_commit={irmin.BytesPerOperation} peer_bytes_per_commit={peerBytes}"));
return 0;
