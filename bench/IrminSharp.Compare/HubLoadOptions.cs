using System.Globalization;
using System.Net;

namespace IrminSharp.Compare;

/// <summary>The <c>hub-load</c> scenario's command line.</summary>
internal sealed class HubLoadOptions
{
    public const string Usage = """
        usage: IrminSharp.Compare hub-load [--devices N] [--concurrency C] [--addresses K] [--cli D]
                                           [--keys M] [--hold-concurrency H] [--irmin PATH] [--dir D]

        A hub under a fleet: `irmin serve` as a real process (TLS 1.3, every device's certificate on
        --allow, --max-connections above the fleet, --metrics on a free port) serving a counter store
        of M keys (default 10000; k<i%100>/e<i>, plus the key `counter`, pushed to it once, untimed).
          1. clones: N in-process devices (default 1000; Remote API over real sockets, each its own
             in-memory store), at most C at a time (default 64), each clone the hub (timed);
          2. pushes: each device increments `counter` and pushes, at most C at a time; on a push
             conflict (diverged) it fetches, merges (counters add up) and pushes again (timed from
             the first attempt to the accepted push); D real `irmin` processes (default 4) do the
             same with `irmin clone`, `irmin set`, `irmin push` and `irmin pull` on a conflict;
          3. hold: N connections opened at once (at most H handshakes at a time, default 8), each
             past hello and a list of refs, idle between messages (a list of refs every 10 s, under
             the server's idle timeout) until all are open; the hub's VmRSS then, and its VmHWM.
        A connection failure is counted and reported (the first messages), not retried.
        The final counter must be its start plus every device's increment, or the run fails.

        options:
          --devices N          in-process devices (default 1000)
          --concurrency C      devices cloning or pushing at once (default 64)
          --addresses K        spread the in-process devices over K source addresses 127.1.x.y
                               (default 1: all from 127.0.0.1)
          --cli D              real `irmin` processes as further devices (default 4; 0 for none)
          --keys M             keys in the hub's store (default 10000)
          --hold-concurrency H handshakes at once while opening the held connections (default 8)
          --no-hold            skip the hold phase
          --hold-only          only the hold phase (no clones, pushes or counter check): the hub's
                               memory with N connections open
          --irmin PATH         the irmin command: a NativeAOT binary, or irmin.dll run with `dotnet`
                               (default: cli/bin/Release/net10.0/irmin.dll of this repository)
          --dir D              where the hub's store and the identities go (default: a new temporary
                               directory, deleted afterwards)

        The last line, for scripts:
        RESULT scenario=hub-load devices=<n> clones_per_s=<r> clone_p50_ms=<ms> clone_p99_ms=<ms> push_p50_ms=<ms> push_p99_ms=<ms> failures=<n> conflicts=<n> held=<n> rss_held_mb=<mb> rss_peak_mb=<mb>
        Exit status: 0 when every device pushed its increment and the counter adds up, 1 otherwise.
        """;

    public int Devices { get; init; } = 1000;

    public int Concurrency { get; init; } = 64;

    public int Addresses { get; init; } = 1;

    public int CliDevices { get; init; } = 4;

    public int Keys { get; init; } = 10_000;

    public int HoldConcurrency { get; init; } = 8;

    public bool Hold { get; init; } = true;

    /// <summary>Only the hold phase: no clones, pushes or counter check.</summary>
    public bool HoldOnly { get; init; }

    public string? Irmin { get; init; }

    public string? Directory { get; init; }

    public bool Help { get; init; }

    /// <summary>The source address of in-process device <paramref name="device"/>; null for the system's choice (127.0.0.1).</summary>
    public IPAddress? AddressOf(int device)
    {
        if (Addresses <= 1)
        {
            return null;
        }

        var a = device % Addresses;
        return new IPAddress([127, 1, (byte)(a / 250), (byte)((a % 250) + 1)]);
    }

    /// <summary>Parses the arguments after <c>hub-load</c>; throws <see cref="ArgumentException"/> on a usage error.</summary>
    public static HubLoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int devices = 1000, concurrency = 64, addresses = 1, cli = 4, keys = 10_000, hold = 8;
        var holdPhase = true;
        var holdOnly = false;
        string? irmin = null, directory = null;
        for (var i = 1; i < args.Count; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{option} needs a value");
            switch (option)
            {
                case "-h" or "--help":
                    return new HubLoadOptions { Help = true };
                case "--devices":
                    devices = Whole(Next(), option, 1);
                    break;
                case "--concurrency":
                    concurrency = Whole(Next(), option, 1);
                    break;
                case "--addresses":
                    addresses = Whole(Next(), option, 1);
                    if (addresses > 250 * 250)
                    {
                        throw new ArgumentException("--addresses takes at most 62500");
                    }

                    break;
                case "--cli":
                    cli = Whole(Next(), option, 0);
                    break;
                case "--keys":
                    keys = Whole(Next(), option, 1);
                    break;
                case "--hold-concurrency":
                    hold = Whole(Next(), option, 1);
                    break;
                case "--no-hold":
                    holdPhase = false;
                    break;
                case "--hold-only":
                    holdOnly = true;
                    break;
                case "--irmin":
                    irmin = Path.GetFullPath(Next());
                    break;
                case "--dir":
                    directory = Path.GetFullPath(Next());
                    break;
                default:
                    throw new ArgumentException($"unknown option '{option}'");
            }
        }

        if (holdOnly && !holdPhase)
        {
            throw new ArgumentException("--hold-only and --no-hold leave nothing to run");
        }

        return new HubLoadOptions
        {
            HoldOnly = holdOnly,
            Devices = devices,
            Concurrency = concurrency,
            Addresses = addresses,
            CliDevices = cli,
            Keys = keys,
            HoldConcurrency = hold,
            Hold = holdPhase,
            Irmin = irmin,
            Directory = directory,
        };
    }

    private static int Whole(string text, string name, int least) =>
        int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value >= least
            ? value
            : throw new ArgumentException($"{name} takes a whole number of at least {least}");
}
