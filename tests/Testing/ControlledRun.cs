using System.Globalization;
using System.Text;
using IrminSharp.Store;

namespace IrminSharp.Testing;

/// <summary>
/// Runs one schedule: real threads, exactly one of which runs at a time. The running thread
/// chooses its successor at each scheduling point and hands it the turn.
/// </summary>
/// <remarks>
/// All state changes happen under <see cref="state"/>; in a healthy schedule it is never
/// contended, since only the running thread touches it. The watchdog on the thread that called
/// <see cref="Run"/> takes it too, and after a failure threads unwind concurrently.
/// </remarks>
internal sealed class ControlledRun
{
    private const ulong FnvPrime = 1099511628211UL;

    private readonly Lock state = new();
    private readonly ScheduleRun view;
    private readonly ControlledThread[] threads;
    private readonly ISchedulePolicy policy;
    private readonly int maxSteps;
    private readonly List<ControlledThread> enabled = [];
    private readonly Dictionary<ScheduledLock, LockModel> locks = [];
    private readonly List<int> choices = [];
    private readonly ManualResetEventSlim finished = new(false);
    private ControlledThread? running;
    private int exited;
    private long progress;
    private volatile bool aborted;
    private int steps;
    private ulong hash = 14695981039346656037UL;

    public ControlledRun(ScheduleRun view, Action[] bodies, Func<int, ISchedulePolicy> policy, int maxSteps)
    {
        this.view = view;
        threads = new ControlledThread[bodies.Length];
        for (var i = 0; i < bodies.Length; i++)
        {
            threads[i] = new ControlledThread(this, i, bodies[i] ?? throw new ArgumentException($"Thread {i} has no body.", nameof(bodies)));
        }

        this.policy = policy(bodies.Length);
        this.maxSteps = maxSteps;
    }

    public int Steps => steps;

    public ulong Hash => hash;

    public IReadOnlyList<int> Choices => choices;

    public (ScheduleFailureKind Kind, string Message, Exception? Exception)? Failure { get; private set; }

    /// <summary>Runs the threads to the end, to a failure, or until the watchdog gives up.</summary>
    public void Run(WorkerPool workers, TimeSpan stepTimeout)
    {
        if (threads.Length == 0)
        {
            return;
        }

        foreach (var thread in threads)
        {
            workers.Start(() => ThreadMain(thread), Exited);
        }

        ControlledThread? first;
        long before;
        lock (state)
        {
            first = Decide(null);
            before = progress;
        }

        first?.Turn.Release();

        // The watchdog: a schedule that makes no step for a whole timeout is hung. After a
        // failure, the threads get one short grace period to unwind; a stuck one is left behind.
        var grace = TimeSpan.FromTicks(Math.Min(stepTimeout.Ticks, TimeSpan.FromSeconds(2).Ticks));
        var graceStarted = false;
        while (!finished.Wait(aborted ? grace : stepTimeout))
        {
            lock (state)
            {
                if (aborted)
                {
                    if (graceStarted)
                    {
                        var stuck = string.Join(", ", threads.Where(t => !t.Done).Select(t => $"{t.Name} after '{t.LastLabel}'"));
                        Failure = Failure is { } failure
                            ? failure with { Message = failure.Message + Environment.NewLine + $"Threads that did not stop (left running in the background): {stuck}." }
                            : (ScheduleFailureKind.Hang, $"Threads did not stop: {stuck}.", null);
                        return;
                    }

                    graceStarted = true;
                    continue;
                }

                if (progress == before)
                {
                    Fail(ScheduleFailureKind.Hang, DescribeHang(stepTimeout), null);
                    AbortLocked();
                    graceStarted = true;
                }

                before = progress;
            }
        }
    }

    public void Point(ControlledThread thread, ScheduleStepKind kind, string label, ScheduledLock? wants)
    {
        ControlledThread? next;
        lock (state)
        {
            if (aborted)
            {
                throw new ScheduleAbortedException();
            }

            thread.PendingKind = kind;
            thread.PendingLabel = label;
            thread.Wants = wants;
            next = Decide(thread);
            if (next is null)
            {
                AbortLocked();
                throw new ScheduleAbortedException();
            }
        }

        if (next != thread)
        {
            next.Turn.Release();
            WaitForTurn(thread);
        }
    }

    public void Acquiring(ControlledThread thread, ScheduledLock gate)
    {
        lock (state)
        {
            if (aborted)
            {
                throw new ScheduleAbortedException();
            }

            // Taking a lock the thread already holds is no scheduling point, as it cannot block.
            if (locks.TryGetValue(gate, out var model) && model.Owner == thread)
            {
                model.Count++;
                return;
            }
        }

        Point(thread, ScheduleStepKind.Acquire, gate.Name, gate);
    }

    public void Released(ControlledThread thread, ScheduledLock gate)
    {
        lock (state)
        {
            if (!aborted && locks.TryGetValue(gate, out var model) && model.Owner == thread && --model.Count == 0)
            {
                model.Owner = null;
            }
        }
    }

    private void ThreadMain(ControlledThread thread)
    {
        ControllerDispatcher.Current = thread;
        Exception? error = null;
        try
        {
            WaitForTurn(thread);
            thread.Body();
        }
        catch (ScheduleAbortedException)
        {
        }
#pragma warning disable CA1031 // Whatever a body throws is the schedule's failure, reported with its trace.
        catch (Exception exception)
        {
            error = exception;
        }
#pragma warning restore CA1031
        finally
        {
            ControllerDispatcher.Current = null;
        }

        Finish(thread, error);
    }

    private void Finish(ControlledThread thread, Exception? error)
    {
        ControlledThread? next = null;
        lock (state)
        {
            thread.Done = true;
            if (!aborted)
            {
                if (error is not null)
                {
                    Fail(ScheduleFailureKind.Exception, $"{thread.Name} threw {error.GetType().Name} after '{thread.LastLabel}': {error.Message}", error);
                }
                else
                {
                    next = Decide(thread);
                }

                if (Failure is not null)
                {
                    AbortLocked();
                    next = null;
                }
            }
        }

        next?.Turn.Release();
    }

    /// <summary>A thread is back in the pool; the schedule ends when all are.</summary>
    private void Exited()
    {
        lock (state)
        {
            if (++exited == threads.Length)
            {
                finished.Set();
            }
        }
    }

    private void WaitForTurn(ControlledThread thread)
    {
        thread.Turn.Wait();
        if (aborted)
        {
            throw new ScheduleAbortedException();
        }
    }

    /// <summary>Chooses the next thread and gives it its step; null when none can run.</summary>
    private ControlledThread? Decide(ControlledThread? current)
    {
        enabled.Clear();
        var live = 0;
        foreach (var thread in threads)
        {
            if (thread.Done)
            {
                continue;
            }

            live++;
            if (thread.Wants is not { } gate || !locks.TryGetValue(gate, out var model) || model.Owner is null || model.Owner == thread)
            {
                enabled.Add(thread);
            }
        }

        if (enabled.Count == 0)
        {
            if (live > 0)
            {
                Fail(ScheduleFailureKind.Deadlock, DescribeDeadlock(), null);
            }

            running = null;
            return null;
        }

        if (++steps > maxSteps)
        {
            Fail(ScheduleFailureKind.StepLimit, string.Create(CultureInfo.InvariantCulture, $"The schedule passed {maxSteps} steps: a livelock, or raise ExploreOptions.MaxSteps."), null);
            return null;
        }

        var choice = 0;
        if (enabled.Count > 1)
        {
            choice = policy.Choose(enabled, current, steps);
            choices.Add(choice);
        }

        var next = enabled[choice];
        if (next.Wants is { } wanted)
        {
            if (!locks.TryGetValue(wanted, out var model))
            {
                locks[wanted] = model = new LockModel();
            }

            model.Owner = next;
            model.Count = 1;
            next.Wants = null;
        }

        view.Steps.Add(new ScheduleStep(next.Index, next.Name, next.PendingKind, next.PendingLabel));
        hash = (hash ^ (ulong)(next.Index + 1)) * FnvPrime;
        hash = (hash ^ (ulong)next.PendingKind) * FnvPrime;
        hash = (hash ^ (uint)next.PendingLabel.GetHashCode(StringComparison.Ordinal)) * FnvPrime;
        next.LastLabel = next.PendingKind == ScheduleStepKind.Acquire ? "acquire " + next.PendingLabel : next.PendingLabel;
        running = next;
        progress++;
        return next;
    }

    private void Fail(ScheduleFailureKind kind, string message, Exception? exception) => Failure ??= (kind, message, exception);

    private void AbortLocked()
    {
        aborted = true;
        foreach (var thread in threads)
        {
            if (!thread.Done)
            {
                thread.Turn.Release();
            }
        }
    }

    private string DescribeDeadlock()
    {
        var text = new StringBuilder("Deadlock: no thread can run.");
        foreach (var thread in threads.Where(t => !t.Done))
        {
            var gate = thread.Wants.GetValueOrDefault();
            var owner = locks.TryGetValue(gate, out var model) ? model.Owner : null;
            var holds = string.Join(", ", locks.Where(pair => pair.Value.Owner == thread).Select(pair => pair.Key.Name));
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {thread.Name} waits for {gate.Name}, held by {owner?.Name ?? "nobody"}");
            text.Append(holds.Length > 0 ? $"; it holds {holds}" : "").Append(CultureInfo.InvariantCulture, $"; its last step was '{thread.LastLabel}'.");
        }

        return text.ToString();
    }

    private string DescribeHang(TimeSpan stepTimeout)
    {
        var culture = CultureInfo.InvariantCulture;
        return running is { } thread
            ? string.Create(culture, $"Hang: {thread.Name} reached no scheduling point for {stepTimeout.TotalSeconds:0.###} s after '{thread.LastLabel}'. It is probably blocked on something the explorer does not control (a System.Threading.Lock or Monitor, a task or event wait, I/O), or loops without a point.")
            : string.Create(culture, $"Hang: no thread ran for {stepTimeout.TotalSeconds:0.###} s.");
    }
}
