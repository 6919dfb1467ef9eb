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
        var backend = options.Backend == StoreBackend.Pack || scenario == "read" ? "pack file on disk" : "in memory";
        output.WriteLine(string.Create(Invariant, $"scenario {scenario}: {options.Entries} entries, {irmin.Operations} timed {result.Operation}s, seed {options.Seed}, IrminSharp {backend}"));
        output.WriteLine($"{"store",-22} {$"{result.Operation}s/s",12} {"bytes/" + result.Operation,14} {"timed s",9} {"setup s",9}");
        foreach (var m in result.OtherIrmin.Append(irmin).Concat(peer is null ? [] : [peer]))
        {
            output.WriteLine(string.Create(Invariant, $"{m.Store,-22} {m.OpsPerSecond,12:F1} {Bytes(m),14} {m.Elapsed.TotalSeconds,9:F3} {m.Setup.TotalSeconds,9:F3}  {m.Note}"));
        }

        foreach (var note in result.Notes)
        {
            output.WriteLine(note);
        }

        var peerOps = peer is null ? "none" : peer.OpsPerSecond.ToString("F1", Invariant);
        var ratio = peer is null ? "none" : (irmin.OpsPerSecond / peer.OpsPerSecond).ToString("F2", Invariant);
        var peerBytes = peer is null ? "none" : Bytes(peer);
        output.WriteLine(string.Create(
            Invariant,
            $"RESULT scenario={scenario} irmin={irmin.OpsPerSecond:F1} peer={peerOps} ratio={ratio} irmin_bytes_per_commit={Bytes(irmin)} peer_bytes_per_commit={peerBytes}"));
    }

    private static string Bytes(Measurement m) => m.BytesPerOperation?.ToString(Invariant) ?? "none";
}
