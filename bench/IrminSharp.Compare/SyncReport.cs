using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>What the sync scenario measured: a table row per store, layout and K, then a RESULT line per layout and K.</summary>
internal sealed record SyncReport(int Entries, int TimedRounds, IReadOnlyList<SyncRow> Rows, IReadOnlyList<string> Notes) : IScenarioReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Print(TextWriter output, string scenario, HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        output.WriteLine(string.Create(Invariant, $"scenario {scenario}: {Entries} entries, {TimedRounds} timed pushes of K commits per row (the median), seed {options.Seed}"));
        output.WriteLine($"{"layout",-8} {"K",4} {"store",-22} {"ms",9} {"wire bytes",11} {"objects",8} {"object bytes",13} {"setup s",8}  rounds (ms / wire bytes)");
        foreach (var row in Rows)
        {
            foreach (var m in row.Peer is null ? [row.Irmin] : new[] { row.Irmin, row.Peer })
            {
                var rounds = string.Join(", ", m.Rounds.Select(r => string.Create(Invariant, $"{r.Elapsed.TotalMilliseconds:F1}/{r.WireBytes}")));
                output.WriteLine(string.Create(
                    Invariant,
                    $"{row.Layout,-8} {row.Commits,4} {m.Store,-22} {m.MedianMilliseconds,9:F2} {m.MedianWireBytes,11} {Text(m.MedianObjects),8} {Text(m.MedianObjectBytes),13} {m.Setup.TotalSeconds,8:F2}  {rounds}"));
            }
        }

        foreach (var note in Notes)
        {
            output.WriteLine(note);
        }

        foreach (var row in Rows)
        {
            var irminMs = row.Irmin.MedianMilliseconds;
            var peerMs = row.Peer is null ? "none" : row.Peer.MedianMilliseconds.ToString("F2", Invariant);
            var ratio = row.Peer is null ? "none" : (row.Peer.MedianMilliseconds / irminMs).ToString("F2", Invariant);
            var peerBytes = row.Peer is null ? "none" : row.Peer.MedianWireBytes.ToString(Invariant);
            output.WriteLine(string.Create(
                Invariant,
                $"RESULT scenario={scenario} layout={row.Layout} op={row.Operation} k={row.Commits} irmin_ms={irminMs:F2} peer_ms={peerMs} ratio={ratio} irmin_bytes={row.Irmin.MedianWireBytes} peer_bytes={peerBytes} irmin_transport={(options.SyncPlainTcp ? "tcp" : "tls")}"));
        }
    }

    private static string Text(long? value) => value?.ToString(Invariant) ?? "-";
}
