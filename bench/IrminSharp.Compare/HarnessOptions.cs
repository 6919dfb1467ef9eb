using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>The harness's command line.</summary>
internal sealed class HarnessOptions
{
    public const string Usage = """
        usage: IrminSharp.Compare <scenario> [--entries N] [--commits C] [--peer libgit2|none] [--seed S]
               IrminSharp.Compare --help

        Runs one workload on IrminSharp (in-memory backend) and on LibGit2Sharp (a bare repository
        in /dev/shm, else the temporary directory, deleted afterwards) in one process.

        scenarios:
          wide-commit     N entries (default 10000) in one flat directory files/, committed once
                          (untimed); then 20 untimed warm-up commits and C timed commits (default 300)
                          that each change one random entry. ops/s = commits/s.
          sharded-commit  the same, with the entries in 100 directories of N/100 (shard<i/(N/100)>/e<i>).
          merge           a base of N entries; branch a changes 50 distinct random entries of the first
                          half, branch b 50 of the second half, one commit per change; then a and b are
                          merged C times (default 50 for this scenario), each merge writing its commit.
                          ops/s = merges/s.

        options:
          --entries N     number of entries (default 10000)
          --commits C     timed commits, or merges for merge (default 300; 50 for merge)
          --peer P        libgit2 (default) or none to run IrminSharp only
          --seed S        seed of the random choice of entries (default 42)

        bytes per commit: the bytes of new objects the timed commits wrote, divided by C (IrminSharp:
        encoded objects in the memory store; LibGit2Sharp: growth of objects/, zlib-compressed loose
        objects). For merge: the bytes the first merge wrote (its tree objects and commit); later
        merges of the same two commits write only their commit.

        The last line, for scripts:
        RESULT scenario=<name> irmin=<ops/s> peer=<ops/s|none> ratio=<irmin/peer|none> irmin_bytes_per_commit=<n> peer_bytes_per_commit=<n|none>
        Exit status: 0 on success, 1 if a store read back wrong data, 2 on a usage error.
        """;

    public required string Scenario { get; init; }

    public int Entries { get; init; } = 10_000;

    /// <summary>Timed operations; null for the scenario's default.</summary>
    public int? Commits { get; init; }

    public bool RunPeer { get; init; } = true;

    public int Seed { get; init; } = 42;

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
        int entries = 10_000, seed = 42;
        int? commits = null;
        var peer = true;
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
                        "libgit2" => true,
                        var other => throw new ArgumentException($"unknown peer '{other}' (libgit2 or none)"),
                    };
                    break;
                default:
                    throw new ArgumentException($"unknown option '{option}'");
            }
        }

        return new HarnessOptions { Scenario = scenario, Entries = entries, Commits = commits, RunPeer = peer, Seed = seed };
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} takes a positive whole number");
}
