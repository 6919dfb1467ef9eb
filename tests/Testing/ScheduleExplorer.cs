using System.Diagnostics;

namespace IrminSharp.Testing;

/// <summary>
/// Systematic concurrency testing: runs a test body's threads under many schedules, one thread at
/// a time, switching only at <c>ScheduledLock</c> acquisitions and <c>SchedulePoint.Here</c>.
/// </summary>
/// <remarks>
/// <para>
/// For each schedule, <c>setup</c> builds fresh state and returns the bodies of the threads; the
/// explorer runs them on real threads, hands the turn from one to the next at scheduling
/// points, and then calls <c>check</c> on the calling thread. Everything between two points
/// (I/O included) runs inline on the thread that has the turn.
/// </para>
/// <para>
/// A schedule fails when a body or the check throws, when threads deadlock on scheduled locks,
/// when the running thread blocks on anything else for <see cref="ExploreOptions.StepTimeout"/>,
/// or after <see cref="ExploreOptions.MaxSteps"/> steps. The first failure ends the exploration
/// with a <see cref="ScheduleFailedException"/> whose message has the trace and the
/// <see cref="ScheduleId"/> to pass to <see cref="Replay"/>.
/// </para>
/// <para>
/// Bodies must be deterministic apart from scheduling: derive test data from
/// <see cref="ScheduleRun.Random"/>, not from the clock. Threads a body starts itself run
/// uncontrolled, and their locks are plain locks.
/// </para>
/// </remarks>
public static class ScheduleExplorer
{
    private const ulong RandomStream = 1;
    private const ulong PctStream = 2;
    private const ulong DataStream = 3;

    /// <summary>Explores <paramref name="schedules"/> schedules with the default portfolio of strategies.</summary>
    /// <exception cref="ScheduleFailedException">A schedule failed.</exception>
    public static ExploreResult Explore(int schedules, int seed, Func<ScheduleRun, Action[]> setup, Action<ScheduleRun>? check = null) =>
        Explore(new ExploreOptions { Schedules = schedules, Seed = seed }, setup, check);

    /// <summary>Explores schedules as <paramref name="options"/> say.</summary>
    /// <exception cref="ScheduleFailedException">A schedule failed.</exception>
    public static ExploreResult Explore(ExploreOptions options, Func<ScheduleRun, Action[]> setup, Action<ScheduleRun>? check = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(setup);
        var clock = Stopwatch.StartNew();
        var distinct = new HashSet<ulong>();
        var dfs = options.Strategy == ScheduleStrategy.Dfs ? new DfsPolicy(options.DfsDepth) : null;
        var explored = 0;
        var maxSteps = 0;
        using var workers = new WorkerPool();
        ControllerDispatcher.Acquire();
        try
        {
            for (var index = 0; index < options.Schedules; index++)
            {
                if (index > 0 && options.TimeBudget is { } budget && clock.Elapsed >= budget)
                {
                    break;
                }

                var strategy = options.Strategy == ScheduleStrategy.Portfolio
                    ? (index % 2 == 0 ? ScheduleStrategy.Random : ScheduleStrategy.Pct)
                    : options.Strategy;
                var id = strategy switch
                {
                    ScheduleStrategy.Random => ScheduleId.Random(options.Seed, index),
                    ScheduleStrategy.Pct => ScheduleId.Pct(options.Seed, index, options.PctDepth, options.PctSteps > 0 ? options.PctSteps : Math.Max(maxSteps, 16)),
                    _ => ScheduleId.Dfs(options.Seed, index, []),
                };
                dfs?.Begin();
                var (failure, hash, steps, _) = RunOne(id, dfs, workers, setup, check, options);
                explored++;
                distinct.Add(hash);
                maxSteps = Math.Max(maxSteps, steps);
                if (failure is not null)
                {
                    failure.SchedulesExplored = explored;
                    failure.DistinctInterleavings = distinct.Count;
                    throw new ScheduleFailedException(failure);
                }

                if (dfs is not null)
                {
                    dfs.End();
                    if (dfs.Exhausted)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            ControllerDispatcher.Release();
        }

        return new ExploreResult(explored, distinct.Count, dfs?.Exhausted ?? false, maxSteps, clock.Elapsed);
    }

    /// <summary>Runs the schedule <paramref name="id"/> again, as printed in a failure.</summary>
    /// <returns>The schedule, when it passes.</returns>
    /// <exception cref="ScheduleFailedException">The schedule failed, which reproduces the failure.</exception>
    public static ScheduleRun Replay(ScheduleId id, Func<ScheduleRun, Action[]> setup, Action<ScheduleRun>? check = null, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(setup);
        using var workers = new WorkerPool();
        ControllerDispatcher.Acquire();
        try
        {
            var (failure, _, _, run) = RunOne(id, null, workers, setup, check, options ?? new ExploreOptions());
            return failure is null ? run : throw new ScheduleFailedException(failure);
        }
        finally
        {
            ControllerDispatcher.Release();
        }
    }

    private static (ScheduleFailure? Failure, ulong Hash, int Steps, ScheduleRun Run) RunOne(
        ScheduleId id, DfsPolicy? dfs, WorkerPool workers, Func<ScheduleRun, Action[]> setup, Action<ScheduleRun>? check, ExploreOptions options)
    {
        var view = new ScheduleRun(id, new Random(unchecked((int)SplitMix64.ForSchedule(id.Seed, id.Index, DataStream))));
        var bodies = setup(view) ?? throw new InvalidOperationException("The setup returned no threads.");
        Func<int, ISchedulePolicy> policy = id.Strategy switch
        {
            ScheduleStrategy.Random => _ => new RandomPolicy(SplitMix64.ForSchedule(id.Seed, id.Index, RandomStream)),
            ScheduleStrategy.Pct => threads => new PctPolicy(SplitMix64.ForSchedule(id.Seed, id.Index, PctStream), threads, id.PctDepth, id.PctSteps),
            _ => _ => dfs is null ? new ReplayPolicy(id.Choices) : dfs,
        };
        var run = new ControlledRun(view, bodies, policy, options.MaxSteps);
        run.Run(workers, options.StepTimeout);
        if (id.Strategy == ScheduleStrategy.Dfs)
        {
            view.Id = ScheduleId.Dfs(id.Seed, id.Index, run.Choices);
        }

        var trace = view.Steps.ToArray();
        ScheduleFailure? failure = null;
        if (run.Failure is { } failed)
        {
            failure = new ScheduleFailure(failed.Kind, view.Id, failed.Message, failed.Exception, trace);
        }
        else if (check is not null)
        {
            try
            {
                check(view);
            }
#pragma warning disable CA1031 // A failing check is the schedule's failure, reported with its trace.
            catch (Exception exception)
            {
                failure = new ScheduleFailure(ScheduleFailureKind.Check, view.Id, $"The check threw {exception.GetType().Name}: {exception.Message}", exception, trace);
            }
#pragma warning restore CA1031
        }

        return (failure, run.Hash, run.Steps, view);
    }
}
