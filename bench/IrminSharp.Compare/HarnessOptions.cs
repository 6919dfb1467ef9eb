using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>The harness's command line.</summary>
internal sealed class HarnessOptions
{
    public const string Usage = """
        usage: IrminSharp.Compare <scenario> [--entries N] [--commits C] [--peer libgit2|none] [--seed S]
                                  [--backend memory|pack] [--durable] [--dir D] [--irmin PATH]
               IrminSharp.Compare sync [--layout flat|sharded] [--k K[,K...]] [--entries N] [--peer git|none]
                                  [--seed S] [--backend memory|pack] [--durable] [--dir D] [--plain]
               IrminSharp.Compare merge-text [--commits C] [--peer git|none] [--seed S]
               IrminSharp.Compare hub-load [--devices N] [--concurrency C] [--addresses K] ... (hub-load --help)
               IrminSharp.Compare --help

        Runs one workload on IrminSharp and on LibGit2Sharp (a bare repository) in one process.
        With --backend memory (the default) IrminSharp uses its in-memory backend and LibGit2Sharp
        a repository in /dev/shm (else the temporary directory); with --backend pack IrminSharp uses
        a pack file on disk and LibGit2Sharp a repository next to it, in a new directory under --dir
        that is deleted afterwards.

        scenarios:
          wide-commit     N entries (default 10000) in one flat directory files/, committed once
                          (untimed); then 20 untimed warm-up commits and C timed commits (default 300)
                          that each change one random entry. ops/s = commits/s.
          sharded-commit  the same, with the entries in 100 directories of N/100 (shard<i/(N/100)>/e<i>).
          merge           a base of N entries; branch a changes 50 distinct random entries of the first
                          half, branch b 50 of the second half, one commit per change; then a and b are
                          merged C times (default 50 for this scenario), each merge writing its commit.
                          ops/s = merges/s.
          open            boot to first read: a pack of about N objects (default 1000000; keys
                          d<i%1000>/k<i>, values value-<i>), built once and kept in --dir as
                          open-<N>.pack; then 7 fresh processes each open it read-only, open the
                          repository and read one key. Reports the medians of the in-process time
                          (from the start of Main) and of the whole process's wall time. No peer.
          read            warm random gets at the head of N keys (default 100000; d<i%100>/k<i>) on a
                          pack file: a 200000-get warm-up, then 3 rounds of C gets (default 1000000);
                          the median gets/s. The peer reads the same layout from the head commit
                          (fewer gets if it is slow: about 3 s a round). ops/s = gets/s.
          sync            push over loopback: N entries (default 10000; flat as files/e<i>, or sharded
                          100 x N/100 as shard<j>/e<i>) committed and pushed once (untimed); then a
                          warm-up and 3 timed clones of the whole store into a new empty one (the
                          op=clone k=0 row: Remote.FetchAsync vs `git clone --bare`); then, per K,
                          an untimed warm-up round and 3 timed rounds of K new commits (each changing one
                          random entry, untimed) pushed with ONE timed push; the median round. IrminSharp:
                          Remote.PushAsync to an in-process SyncServer (in-memory replica) over TLS 1.3
                          with pinned certificates, handshake included. Peer: stock `git push origin main`
                          (process wall time) to a `git daemon` on 127.0.0.1, through a byte-counting TCP
                          proxy in the harness. Bytes are on the wire, both directions (TLS records
                          included for IrminSharp). Default: both layouts and K = 1, 10 and 100.
                          With --backend pack --durable only the durable pack pushes (its tracking-ref
                          update after the push then waits for an fsync inside the timed push).
          merge-text      the three-way line merge of three texts in memory: IrminSharp's
                          LinesContents.Instance.Merge against stock `git merge-file -p ours base theirs`
                          (one process per merge, the files on the RAM disk, else the temporary
                          directory). Cases (fixed sizes; --entries does not apply): dense (6000 unique
                          lines; ours edits every 5th line, theirs every 10th in between; clean), sparse-
                          large (200000 unique lines, 10 edits a side far apart; clean) and pathological
                          (80000 lines over 8 distinct ones, each side a random edit of ~30% of them).
                          Per case 3 warm-up runs, then C timed runs (default 20), each one IrminSharp
                          merge, one git merge and one `git --version` (the floor of a git process);
                          the medians. ratio = git ms / irmin ms; net = (git ms - floor ms) / irmin ms.
                          dense and sparse-large must match git (the same bytes when git merges
                          cleanly, a conflict when git conflicts); pathological is only reported.

        options:
          --entries N     number of entries (default 10000; open 1000000 objects; read 100000 keys)
          --commits C     timed commits, merges for merge (default 300; 50 for merge), gets per
                          round for read (default 1000000), or timed merges per case for merge-text
                          (default 20)
          --peer P        libgit2 (default) or none to run IrminSharp only; for sync and merge-text the
                          peer is the git command line (`--peer git`, the same as the default)
          --layout L      sync only: flat or sharded (default both)
          --k K           sync only: commits per timed push, one or a comma-separated list (default 1,10,100)
          --plain         sync only: IrminSharp pushes over plain TCP on loopback (--insecure-loopback),
                          like git:// does, instead of TLS 1.3
          --seed S        seed of the random choice of entries (default 42)
          --backend B     memory (default) or pack, for wide-commit, sharded-commit, merge and sync (the
                          pushing store; the sync server's replica is in memory); open and read always
                          use a pack file
          --durable       with --backend pack: the pack waits for an fsync at every ref update
                          (PackDurability.EveryRefUpdate). The non-durable pack row is run and shown
                          too; the RESULT line uses the durable one. LibGit2Sharp never fsyncs.
          --irmin PATH    with open: also time PATH (the irmin command published with NativeAOT,
                          `dotnet publish cli -c Release -r linux-x64 -o out`) running
                          `irmin --root <dir> get <key>` in 7 fresh processes; the RESULT line then
                          gives that binary's whole-process wall time as irmin_ms
          --dir D         where pack files, peer repositories and the open scenario's cached pack go
                          (default ./.bench-data); on the default disk, not a RAM disk

        bytes per commit: the bytes the timed commits wrote, divided by C (IrminSharp: encoded objects
        in the memory store, or growth of the pack's log, which includes record headers, padding and
        refs records; LibGit2Sharp: growth of objects/, zlib-compressed loose objects). For merge: the
        bytes the first merge wrote (its tree objects and commit); later merges of the same two
        commits write only their commit. A non-durable pack (PackDurability.Explicit) keeps new
        objects in memory until a flush; the harness flushes it untimed after the timed commits
        and shows how long that took.

        The last line, for scripts:
        RESULT scenario=<name> irmin=<ops/s> peer=<ops/s|none> ratio=<irmin/peer|none> irmin_bytes_per_commit=<n|none> peer_bytes_per_commit=<n|none>
        RESULT scenario=open irmin_ms=<ms> process_ms=<ms> objects=<n> peer=none ratio=none
        RESULT scenario=sync layout=<flat|sharded> k=<K> irmin_ms=<ms> peer_ms=<ms|none> ratio=<peer_ms/irmin_ms|none> irmin_bytes=<n> peer_bytes=<n|none>
          (one sync line per layout and K)
        RESULT scenario=merge-text case=<dense|sparse-large|pathological> irmin_ms=<ms> peer_ms=<ms|none> floor_ms=<ms|none> ratio=<peer_ms/irmin_ms|none> net_ratio=<(peer_ms-floor_ms)/irmin_ms|none> irmin_conflicts=<n> peer_conflicts=<n|none>
          (one merge-text line per case; peer_conflicts is git's exit code, capped at 127)
        Exit status: 0 on success, 1 if a store read back wrong data, 2 on a usage error.
        """;

    public required string Scenario { get; init; }

    public int Entries { get; init; } = 10_000;

    public StoreBackend Backend { get; init; } = StoreBackend.Memory;

    /// <summary>With the pack backend: wait for an fsync at every ref update.</summary>
    public bool Durable { get; init; }

    /// <summary>Sync only: IrminSharp pushes over plain TCP on loopback instead of TLS.</summary>
    public bool SyncPlainTcp { get; init; }

    /// <summary>Where the pack files, the peer's repository on disk and cached stores go.</summary>
    public string DataDirectory { get; init; } = DefaultDirectory;

    /// <summary>A published irmin binary to time in the open scenario, if any.</summary>
    public string? IrminBinary { get; init; }

    public static string DefaultDirectory => Path.Combine(Directory.GetCurrentDirectory(), ".bench-data");

    /// <summary>Timed operations; null for the scenario's default.</summary>
    public int? Commits { get; init; }

    public bool RunPeer { get; init; } = true;

    public int Seed { get; init; } = 42;

    /// <summary>The sync scenario's layouts, <c>flat</c> and/or <c>sharded</c>, in the order run.</summary>
    public IReadOnlyList<string> SyncLayouts { get; init; } = DefaultSyncLayouts;

    /// <summary>The sync scenario's commits per timed push, in the order run.</summary>
    public IReadOnlyList<int> SyncCommits { get; init; } = DefaultSyncCommits;

    public static IReadOnlyList<string> DefaultSyncLayouts { get; } = ["flat", "sharded"];

    public static IReadOnlyList<int> DefaultSyncCommits { get; } = [1, 10, 100];

    /// <summary>Whether <c>--help</c> was asked for (then nothing else is parsed).</summary>
    public bool Help { get; init; }

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> on a usage error.</summary>
    public static HarnessOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            throw new ArgumentException("no scenario given");
        }

        if (args.Any(a => a is "-h" or "--help"))
        {
            return new HarnessOptions { Scenario = string.Empty, Help = true };
        }

        var scenario = args[0];
        int? entries = null, commits = null;
        var seed = 42;
        var peer = true;
        var backend = StoreBackend.Memory;
        var durable = false;
        var directory = DefaultDirectory;
        string? irmin = null;
        IReadOnlyList<string>? layouts = null;
        IReadOnlyList<int>? syncCommits = null;
        var plain = false;
        for (var i = 1; i < args.Count; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{option} needs a value");
            switch (option)
            {
                case "--entries":
                    entries = Positive(Next(), option);
                    break;
                case "--commits":
                    commits = Positive(Next(), option);
                    break;
                case "--seed":
                    seed = int.TryParse(Next(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s)
                        ? s
                        : throw new ArgumentException("--seed takes a whole number");
                    break;
                case "--peer":
                    peer = Next() switch
                    {
                        "none" => false,
                        "libgit2" or "git" => true,
                        var other => throw new ArgumentException($"unknown peer '{other}' (libgit2, git or none)"),
                    };
                    break;
                case "--backend":
                    backend = Next() switch
                    {
                        "memory" => StoreBackend.Memory,
                        "pack" => StoreBackend.Pack,
                        var other => throw new ArgumentException($"unknown backend '{other}' (memory or pack)"),
                    };
                    break;
                case "--layout":
                    layouts = Next() switch
                    {
                        "flat" => ["flat"],
                        "sharded" => ["sharded"],
                        var other => throw new ArgumentException($"unknown layout '{other}' (flat or sharded)"),
                    };
                    break;
                case "--k":
                    syncCommits = Next().Split(',').Select(k => Positive(k, option)).Distinct().ToList();
                    break;
                case "--durable":
                    durable = true;
                    break;
                case "--plain":
                    plain = true;
                    break;
                case "--dir":
                    directory = Path.GetFullPath(Next());
                    break;
                case "--irmin":
                    irmin = Path.GetFullPath(Next());
                    break;
                default:
                    throw new ArgumentException($"unknown option '{option}'");
            }
        }

        if ((layouts is not null || syncCommits is not null || plain) && scenario != "sync")
        {
            throw new ArgumentException("--layout, --k and --plain are for the sync scenario");
        }

        if (entries is not null && scenario == "merge-text")
        {
            throw new ArgumentException("merge-text's cases have fixed sizes; --entries does not apply");
        }

        if (durable && backend != StoreBackend.Pack)
        {
            throw new ArgumentException("--durable needs --backend pack");
        }

        var defaultEntries = scenario switch
        {
            "open" => 1_000_000,
            "read" => 100_000,
            _ => 10_000,
        };

        return new HarnessOptions
        {
            Scenario = scenario,
            Entries = entries ?? defaultEntries,
            Commits = commits,
            RunPeer = peer,
            Seed = seed,
            Backend = backend,
            Durable = durable,
            DataDirectory = directory,
            IrminBinary = irmin,
            SyncLayouts = layouts ?? DefaultSyncLayouts,
            SyncCommits = syncCommits ?? DefaultSyncCommits,
            SyncPlainTcp = plain,
        };
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} takes a positive whole number");
}
