using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>The harness's command line.</summary>
internal sealed class HarnessOptions
{
    public const string Usage = """
        usage: IrminSharp.Compare <scenario> [--entries N] [--commits C] [--peer libgit2|none] [--seed S]

        scenarios:
          wide-commit     one flat directory of N entries (default 10000), then C commits (default 300)
                          that each change one random entry
          sharded-commit  the same N entries as 100 directories of N/100, C commits of one change
          merge           a base of N entries, two branches of 50 one-entry commits each (disjoint),
                          merged C times (default 50)

        The peer is LibGit2Sharp on a bare repository in /dev/shm (or /tmp). The last line is
        RESULT scenario=.. irmin=<ops/s> peer=<ops/s> ratio=.. irmin_bytes_per_commit=.. peer_bytes_per_commit=..
        """;

    public required string Scenario { get; init; }

    public int Entries { get; init; } = 10_000;

    public int? Commits { get; init; }

    public bool RunPeer { get; init; } = true;

    public int Seed { get; init; } = 42;

    public static HarnessOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            throw new ArgumentException(Usage);
        }

        var scenario = args[0];
        if (scenario is not ("wide-commit" or "sharded-commit" or "merge"))
        {
            throw new ArgumentException($"unknown scenario '{scenario}'\n{Usage}");
        }

        int entries = 10_000, seed = 42;
        int? commits = null;
        var peer = true;
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--entries":
                    entries = Positive(Next(), "--entries");
                    break;
                case "--commits":
                    commits = Positive(Next(), "--commits");
                    break;
                case "--seed":
                    seed = int.Parse(Next(), CultureInfo.InvariantCulture);
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
                    throw new ArgumentException($"unknown option '{args[i]}'\n{Usage}");
            }
        }

        return new HarnessOptions { Scenario = scenario, Entries = entries, Commits = commits, RunPeer = peer, Seed = seed };
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} takes a positive whole number");
}
