using System.Diagnostics;
using IrminSharp.Sync;

namespace IrminSharp.Compare;

/// <summary>
/// <c>sync</c>: pushing K new commits to a peer on loopback. Per layout (N entries flat in
/// <c>files/</c>, or sharded 100 × N/100), the store is populated and pushed once (untimed); then,
/// for each K, an untimed warm-up round and <see cref="TimedRounds"/> timed rounds: K commits that
/// each change one random entry (untimed), then ONE timed push of all K. The row shows the median
/// round. After every push the peer's main must be the local main and hold the changed values.
/// <para>
/// IrminSharp (<see cref="IrminPushWorkload"/>): <see cref="Remote.PushAsync"/> to a
/// <see cref="SyncServer"/> in this process, over TLS 1.3 with pinned self-signed certificates
/// (the real configuration); the handshake is part of every timed push. Git
/// (<see cref="GitPushWorkload"/>): <c>git push origin main</c> as a process, to <c>git daemon</c>
/// over git:// (plain TCP), through a counting proxy. Bytes are on the wire in both directions
/// summed for both: for IrminSharp what the client wrote plus what it read (TLS records, handshake
/// included), for git what the proxy relayed.
/// </para>
/// </summary>
internal sealed class SyncScenario : IScenario
{
    private const int WarmupRounds = 1;
    private const int TimedRounds = 3;

    public string Name => "sync";

    public IScenarioReport Run(HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Entries < 100)
        {
            throw new ArgumentException("sync needs --entries of at least 100");
        }

        return RunAsync(options).GetAwaiter().GetResult();
    }

    private static async Task<SyncReport> RunAsync(HarnessOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        using var identities = BenchDirectory.Create(options.DataDirectory);
        using var serverIdentity = SyncIdentity.LoadOrCreate(identities.File("server.p12"), "irmin-compare server");
        using var clientIdentity = SyncIdentity.LoadOrCreate(identities.File("client.p12"), "irmin-compare device");
        using var stores = StoreSetup.For(options);

        var rows = new List<SyncRow>();
        foreach (var name in options.SyncLayouts)
        {
            var layout = name == "sharded" ? Layout.Sharded(options.Entries) : Layout.Flat(options.Entries);
            var plan = ChangePlan.Create(layout.Entries, 0, options.SyncCommits.Sum() * (WarmupRounds + TimedRounds), options.Seed);

            // The last IrminSharp store of the setup is the one the other scenarios put in their RESULT line.
            using var device = stores.OpenIrmin(stores.IrminRuns - 1);
            await using var irmin = IrminPushWorkload.Start(device, serverIdentity, clientIdentity, options.SyncPlainTcp);
            var irminRows = await MeasureAsync(irmin, layout, plan, options.SyncCommits);

            List<PushMeasurement>? peerRows = null;
            if (options.RunPeer)
            {
                await using var git = GitPushWorkload.Start(stores.PeerRoot);
                peerRows = await MeasureAsync(git, layout, plan, options.SyncCommits);
            }

            for (var i = 0; i < irminRows.Count; i++)
            {
                rows.Add(new SyncRow(name, irminRows[i].Commits, irminRows[i], peerRows?[i]));
            }
        }

        var where = options.Backend == StoreBackend.Pack
            ? $"IrminSharp pushes from a pack file, git from a work tree and repository, both in {stores.PeerRoot}"
            : "IrminSharp pushes from its in-memory store, git from a work tree and repository on the RAM disk (/dev/shm, else the temporary directory)";
        return new SyncReport(options.Entries, TimedRounds, rows, [
            "push ms: IrminSharp's Remote.PushAsync (TCP connect, TLS 1.3 handshake with client certificate, hello, refs,",
            "         offer/need, objects, ref update) in this process; git: `git push origin main` process wall time.",
            "wire bytes: both directions summed; IrminSharp's as counted under TLS (records and handshake included),",
            "         git's as relayed by a counting proxy in front of `git daemon` (git:// is plain TCP, no encryption).",
            "objects / object bytes: the objects IrminSharp sent and their encoded size (git reports none).",
            $"servers: IrminSharp's SyncServer in this process with an in-memory replica; git daemon on 127.0.0.1 with a bare repository.",
            where,
        ]);
    }

    /// <summary>
    /// Populates <paramref name="store"/> and pushes it (setup), then for each K a warm-up round and
    /// <see cref="TimedRounds"/> timed rounds of K commits and one push, each push verified.
    /// </summary>
    private static async Task<List<PushMeasurement>> MeasureAsync(IPushWorkload store, Layout layout, ChangePlan plan, IReadOnlyList<int> pushedCommits)
    {
        var setup = Stopwatch.StartNew();
        await store.PopulateAsync(layout);
        setup.Stop();

        // K = 0: clones of the whole populated store into new, empty ones.
        var clones = new List<PushRound>();
        for (var round = 0; round < WarmupRounds + TimedRounds; round++)
        {
            var cloned = await store.CloneAsync();
            if (round >= WarmupRounds)
            {
                clones.Add(cloned);
            }
        }

        // An entry no commit changes: it must still read its first value on the peer.
        var untouched = Enumerable.Range(0, layout.Entries).First(i => !plan.Timed.Contains(i));
        var measurements = new List<PushMeasurement> { new(store.Name, 0, clones, setup.Elapsed) };
        var next = 0;
        foreach (var k in pushedCommits)
        {
            var rounds = new List<PushRound>();
            for (var round = 0; round < WarmupRounds + TimedRounds; round++)
            {
                var expected = new Dictionary<string, string> { [layout.PathOf(untouched)] = layout.InitialValueOf(untouched) };
                for (var c = 0; c < k; c++, next++)
                {
                    var i = plan.Timed[next];
                    var value = ChangePlan.TimedValue(i, next);
                    store.Commit(layout.PathOf(i), value);
                    expected[layout.PathOf(i)] = value;
                }

                var pushed = await store.PushAsync();
                store.Verify(expected);
                if (round >= WarmupRounds)
                {
                    rounds.Add(pushed);
                }
            }

            measurements.Add(new PushMeasurement(store.Name, k, rounds, setup.Elapsed));
        }

        return measurements;
    }
}
