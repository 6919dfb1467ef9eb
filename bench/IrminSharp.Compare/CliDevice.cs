using System.Diagnostics;
using System.Globalization;

namespace IrminSharp.Compare;

/// <summary>
/// A device that is a real <c>irmin</c> process per step: <c>clone</c>, then <c>get</c>, <c>set</c>
/// and <c>push</c> of the counter, with <c>pull</c> and <c>push</c> again on a conflict (exit code 7).
/// </summary>
internal sealed class CliDevice
{
    private const int DivergedExitCode = 7;
    private readonly IrminCommand irmin;
    private readonly string directory;
    private readonly string identity;
    private readonly string name;

    public CliDevice(IrminCommand irmin, string parent, string name, string identity)
    {
        this.irmin = irmin;
        this.name = name;
        this.identity = identity;
        directory = Path.Combine(parent, name);
    }

    public double? CloneMilliseconds { get; private set; }

    public double? PushMilliseconds { get; private set; }

    public int Conflicts { get; private set; }

    /// <summary>Clones <paramref name="url"/>, returning false (and counting a failure) if it fails.</summary>
    public async Task<bool> CloneAsync(string url, string fingerprint, FailureTally failures)
    {
        var clock = Stopwatch.StartNew();
        var clone = await irmin.RunAsync(Path.GetDirectoryName(directory)!, "clone", url, name, "--fingerprint", fingerprint, "--identity", identity);
        if (clone.ExitCode != 0)
        {
            failures.Add($"irmin {name} clone", new InvalidOperationException($"exit {clone.ExitCode}: {clone.Error.Trim()}"));
            return false;
        }

        CloneMilliseconds = clock.Elapsed.TotalMilliseconds;
        return true;
    }

    /// <summary>Increments the counter and pushes it, fetching and merging on each conflict.</summary>
    public async Task PushIncrementAsync(FailureTally failures)
    {
        var clock = Stopwatch.StartNew();
        var got = await irmin.RunAsync(directory, "get", DeviceFleet.CounterKey);
        if (got.ExitCode != 0 || !long.TryParse(got.Out.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            failures.Add($"irmin {name} get", new InvalidOperationException($"exit {got.ExitCode}: {got.Error.Trim()}{got.Out.Trim()}"));
            return;
        }

        // Each device its own author: two devices setting the counter to the same value on the same
        // parent within one second, as the same author, would make one and the same commit (content
        // addressing), and the two increments would merge as one.
        if (await StepAsync(failures, "set", DeviceFleet.CounterKey, (value + 1).ToString(CultureInfo.InvariantCulture), "--author", name) is not 0)
        {
            return;
        }

        while (true)
        {
            var push = await StepAsync(failures, "push", "--identity", identity);
            if (push == 0)
            {
                PushMilliseconds = clock.Elapsed.TotalMilliseconds;
                return;
            }

            if (push != DivergedExitCode || await StepAsync(failures, "pull", "--identity", identity, "--author", name) != 0)
            {
                return;
            }

            Conflicts++;
        }
    }

    /// <summary>Runs one step; its exit code, a failure counted unless 0 or a conflict.</summary>
    private async Task<int> StepAsync(FailureTally failures, params string[] args)
    {
        var run = await irmin.RunAsync(directory, args);
        if (run.ExitCode != 0 && !(run.ExitCode == DivergedExitCode && args[0] == "push"))
        {
            failures.Add($"irmin {name} {args[0]}", new InvalidOperationException($"exit {run.ExitCode}: {run.Error.Trim()}"));
        }

        return run.ExitCode;
    }
}
