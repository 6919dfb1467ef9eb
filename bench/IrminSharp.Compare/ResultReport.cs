using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>Prints a scenario's table and the RESULT line scripts read.</summary>
internal static class ResultReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(TextWriter output, string scenario, HarnessOptions options, ScenarioResult result)
    {
        var irmin = result.Irmin;
        var peer = result.Peer;
        output.WriteLine(string.Create(Invariant, $"scenario {scenario}: {options.Entries} entries, {irmin.Operations} timed {result.Operation}s, seed {options.Seed}"));
        output.WriteLine($"{"store",-14} {$"{result.Operation}s/s",12} {"bytes/" + result.Operation,14} {"timed s",9} {"setup s",9}");
        foreach (var m in peer is null ? [irmin] : new[] { irmin, peer })
        {
            output.WriteLine(string.Create(Invariant, $"{m.Store,-14} {m.OpsPerSecond,12:F1} {m.BytesPerOperation,14} {m.Elapsed.TotalSeconds,9:F3} {m.Setup.TotalSeconds,9:F3}  {m.Note}"));
        }

        var peerOps = peer is null ? "none" : peer.OpsPerSecond.ToString("F1", Invariant);
        var ratio = peer is null ? "none" : (irmin.OpsPerSecond / peer.OpsPerSecond).ToString("F2", Invariant);
        var peerBytes = peer is null ? "none" : peer.BytesPerOperation.ToString(Invariant);
        output.WriteLine(string.Create(
            Invariant,
            $"RESULT scenario={scenario} irmin={irmin.OpsPerSecond:F1} peer={peerOps} ratio={ratio} irmin_bytes_per_commit={irmin.BytesPerOperation} peer_bytes_per_commit={peerBytes}"));
    }
}
