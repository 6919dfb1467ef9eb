using IrminSharp.Testing;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Store.Tests;

/// <summary>
/// The schedule explorer finds races and deadlocks, replays them, and leaves ScheduledLock a plain
/// lock when no explorer runs. The tests of this class run one at a time (one xunit class), so
/// none of them sees another's controller.
/// </summary>
public sealed class ScheduleExplorerTests(ITestOutputHelper output)
{
    private sealed class Account
    {
        public readonly ScheduledLock Gate = new("account");
        public int Balance;

        // Read, let another thread in, write: loses an update unless the lock spans both.
        public void DepositRacy()
        {
            var seen = Balance;
            SchedulePoint.Here("read balance");
            Balance = seen + 1;
        }

        public void DepositLocked()
        {
            using (Gate.EnterScope())
            {
                var seen = Balance;
                SchedulePoint.Here("read balance");
                Balance = seen + 1;
            }
        }
    }

    private static Func<ScheduleRun, Action[]> TwoDeposits(Action<Account> deposit, Account[] holder) => _ =>
    {
        var account = holder[0] = new Account();
        return [() => deposit(account), () => deposit(account)];
    };

    private static Action<ScheduleRun> BalanceIs(int expected, Account[] holder) => _ => Assert.Equal(expected, holder[0].Balance);

    [Theory]
    [InlineData(ScheduleStrategy.Random)]
    [InlineData(ScheduleStrategy.Pct)]
    [InlineData(ScheduleStrategy.Portfolio)]
    [InlineData(ScheduleStrategy.Dfs)]
    public void LostUpdate_WithoutLock_FoundWithinAFewHundredSchedules(ScheduleStrategy strategy)
    {
        var holder = new Account[1];
        var options = new ExploreOptions { Schedules = 300, Seed = 11, Strategy = strategy };
        var error = Assert.Throws<ScheduleFailedException>(() =>
            ScheduleExplorer.Explore(options, TwoDeposits(a => a.DepositRacy(), holder), BalanceIs(2, holder)));
        output.WriteLine(error.Message);
        var failure = error.Failure;
        Assert.Equal(ScheduleFailureKind.Check, failure.Kind);
        Assert.Equal(strategy == ScheduleStrategy.Portfolio ? failure.Id.Strategy : strategy, failure.Id.Strategy);
        Assert.InRange(failure.SchedulesExplored, 1, 300);
        Assert.Contains(failure.Trace, step => step.Label == "read balance");
        Assert.Contains("Replay: ScheduleExplorer.Replay(ScheduleId.Parse(\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("t1 'read balance'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ScheduleStrategy.Random)]
    [InlineData(ScheduleStrategy.Pct)]
    [InlineData(ScheduleStrategy.Portfolio)]
    public void LostUpdate_WithLock_NeverFailsIn2000Schedules(ScheduleStrategy strategy)
    {
        var holder = new Account[1];
        var options = new ExploreOptions { Schedules = 2000, Seed = 11, Strategy = strategy };
        var result = ScheduleExplorer.Explore(options, TwoDeposits(a => a.DepositLocked(), holder), BalanceIs(2, holder));
        output.WriteLine(result.ToString());
        Assert.Equal(2000, result.Schedules);
        Assert.True(result.DistinctInterleavings > 1, result.ToString());
    }

    [Fact]
    public void LostUpdate_WithLock_PassesInEveryInterleaving()
    {
        var holder = new Account[1];
        var options = new ExploreOptions { Schedules = 10_000, Strategy = ScheduleStrategy.Dfs };
        var result = ScheduleExplorer.Explore(options, TwoDeposits(a => a.DepositLocked(), holder), BalanceIs(2, holder));
        output.WriteLine(result.ToString());
        Assert.True(result.Exhausted);
        Assert.Equal(result.Schedules, result.DistinctInterleavings);
    }

    [Fact]
    public void Dfs_TwoThreadsWithOnePointEach_RunsExactlyTheSixInterleavings()
    {
        // Each thread takes two steps (start, the point): C(4, 2) = 6 orders.
        var options = new ExploreOptions { Schedules = 100, Strategy = ScheduleStrategy.Dfs };
        var result = ScheduleExplorer.Explore(options, _ => [() => SchedulePoint.Here("p"), () => SchedulePoint.Here("p")]);
        Assert.True(result.Exhausted);
        Assert.Equal(6, result.Schedules);
        Assert.Equal(6, result.DistinctInterleavings);
    }

    [Theory]
    [InlineData(ScheduleStrategy.Portfolio)]
    [InlineData(ScheduleStrategy.Dfs)]
    public void LockOrderInversion_IsReportedAsDeadlockWithBothWaits(ScheduleStrategy strategy)
    {
        Func<ScheduleRun, Action[]> setup = _ =>
        {
            var a = new ScheduledLock("a");
            var b = new ScheduledLock("b");
            return
            [
                () => { using (a.EnterScope()) { using (b.EnterScope()) { } } },
                () => { using (b.EnterScope()) { using (a.EnterScope()) { } } },
            ];
        };
        var error = Assert.Throws<ScheduleFailedException>(() =>
            ScheduleExplorer.Explore(new ExploreOptions { Schedules = 500, Seed = 3, Strategy = strategy }, setup));
        output.WriteLine(error.Message);
        Assert.Equal(ScheduleFailureKind.Deadlock, error.Failure.Kind);
        Assert.Contains("t0 waits for b, held by t1; it holds a", error.Message, StringComparison.Ordinal);
        Assert.Contains("t1 waits for a, held by t0; it holds b", error.Message, StringComparison.Ordinal);
        Assert.Equal(ScheduleFailureKind.Deadlock, Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Replay(error.Failure.Id, setup)).Failure.Kind);
    }

    [Theory]
    [InlineData(ScheduleStrategy.Random)]
    [InlineData(ScheduleStrategy.Pct)]
    [InlineData(ScheduleStrategy.Dfs)]
    public void Replay_OfAFailingSchedule_ReproducesItsTrace(ScheduleStrategy strategy)
    {
        // Three depositors and a point after the write make the failing trace longer than the minimum.
        var holder = new Account[1];
        Func<ScheduleRun, Action[]> setup = _ =>
        {
            var account = holder[0] = new Account();
            Action deposit = () => { account.DepositRacy(); SchedulePoint.Here("after write"); };
            return [deposit, deposit, deposit];
        };
        var options = new ExploreOptions { Schedules = 500, Seed = 5, Strategy = strategy };
        var found = Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Explore(options, setup, BalanceIs(3, holder))).Failure;

        var id = ScheduleId.Parse(found.Id.ToString());
        var replayed = Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Replay(id, setup, BalanceIs(3, holder))).Failure;
        Assert.Equal(found.Kind, replayed.Kind);
        Assert.Equal(found.Trace, replayed.Trace);
        Assert.Equal(found.Id.ToString(), replayed.Id.ToString());

        // The same seed finds the same schedule again.
        var again = Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Explore(options, setup, BalanceIs(3, holder))).Failure;
        Assert.Equal(found.Id.ToString(), again.Id.ToString());
        Assert.Equal(found.Trace, again.Trace);
    }

    [Fact]
    public void Reentrancy_UnderExplorer_HoldsTheLockUntilTheOutermostExit()
    {
        var holder = new Account[1];
        Func<ScheduleRun, Action[]> setup = _ =>
        {
            var account = holder[0] = new Account();
            return
            [
                () =>
                {
                    using (account.Gate.EnterScope())
                    {
                        using (account.Gate.EnterScope())
                        {
                            SchedulePoint.Here("nested");
                        }

                        Assert.True(account.Gate.IsHeldByCurrentThread);
                        SchedulePoint.Here("after inner exit");
                        account.DepositLocked();
                    }

                    Assert.False(account.Gate.IsHeldByCurrentThread);
                },
                account.DepositLocked,
            ];
        };
        var result = ScheduleExplorer.Explore(new ExploreOptions { Schedules = 10_000, Strategy = ScheduleStrategy.Dfs }, setup, BalanceIs(2, holder));
        Assert.True(result.Exhausted);

        // t1 never runs while t0 holds the lock, at any depth of nesting.
        var sawT1Wait = false;
        ScheduleExplorer.Explore(new ExploreOptions { Schedules = 200, Seed = 1 }, setup, run =>
        {
            var steps = run.Trace.Select(s => s.ToString()).ToList();
            var t0Acquire = steps.IndexOf("t0 acquire account");
            var t1Acquire = steps.IndexOf("t1 acquire account");
            var t0Done = steps.IndexOf("t0 'read balance'");
            if (t0Acquire >= 0 && t1Acquire > t0Acquire)
            {
                sawT1Wait = true;
                Assert.True(t1Acquire > t0Done, string.Join(" | ", steps));
            }
        });
        Assert.True(sawT1Wait);
    }

    [Fact]
    public void Reentrancy_WithoutExplorer_CountsEnters()
    {
        var gate = new ScheduledLock("plain");
        gate.Enter();
        gate.Enter();
        gate.Exit();
        Assert.True(gate.IsHeldByCurrentThread);
        gate.Exit();
        Assert.False(gate.IsHeldByCurrentThread);
        Assert.Throws<SynchronizationLockException>(gate.Exit);

        // A scope releases once, however often it is disposed.
        gate.Enter();
        var scope = gate.EnterScope();
        scope.Dispose();
        scope.Dispose();
        Assert.True(gate.IsHeldByCurrentThread);
        gate.Exit();
        Assert.False(gate.IsHeldByCurrentThread);
    }

    [Fact]
    public void ThreadException_IsReportedWithTheThreadAndItsLastLabel()
    {
        var error = Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Explore(10, 1, _ =>
        [
            () => SchedulePoint.Here("idle"),
            () =>
            {
                SchedulePoint.Here("before throw");
                throw new InvalidDataException("broken batch");
            },
        ]));
        Assert.Equal(ScheduleFailureKind.Exception, error.Failure.Kind);
        Assert.IsType<InvalidDataException>(error.Failure.Exception);
        Assert.Contains("t1 threw InvalidDataException after 'before throw': broken batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockingOnAnUncontrolledPrimitive_IsReportedAsAHangNamingTheLastLabel()
    {
        using var never = new ManualResetEventSlim(false);
        try
        {
            var options = new ExploreOptions { Schedules = 1, StepTimeout = TimeSpan.FromMilliseconds(200) };
            var error = Assert.Throws<ScheduleFailedException>(() => ScheduleExplorer.Explore(options, _ =>
            [
                () =>
                {
                    SchedulePoint.Here("before wait");
                    never.Wait();
                },
            ]));
            output.WriteLine(error.Message);
            Assert.Equal(ScheduleFailureKind.Hang, error.Failure.Kind);
            Assert.Contains("t0 reached no scheduling point for 0.2 s after 'before wait'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            never.Set();
        }
    }

    [Fact]
    public void ScheduleId_TextForm_RoundTrips()
    {
        foreach (var id in new[] { ScheduleId.Random(-7, 12), ScheduleId.Pct(3, 4, 3, 57), ScheduleId.Dfs(1, 9, [0, 2, 1]), ScheduleId.Dfs(1, 0, []) })
        {
            Assert.Equal(id.ToString(), ScheduleId.Parse(id.ToString()).ToString());
        }

        Assert.Throws<FormatException>(() => ScheduleId.Parse("pct seed=1 schedule=2"));
    }

    [Fact]
    public void WithoutExplorer_ScheduledLock_ExcludesUnderRealContention()
    {
        Assert.Null(ScheduleHooks.Current);
        var gate = new ScheduledLock("counter");
        var count = 0L;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                using (gate.EnterScope())
                {
                    // A non-atomic read-modify-write that loses updates without mutual exclusion.
                    var seen = Volatile.Read(ref count);
                    Volatile.Write(ref count, seen + 1);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(400_000, count);
    }

    [Fact]
    public void Throughput_OnATrivialBody_IsReported()
    {
        var result = ScheduleExplorer.Explore(new ExploreOptions { Schedules = 2000, Seed = 1 }, _ =>
            [() => SchedulePoint.Here("a"), () => SchedulePoint.Here("b")]);
        output.WriteLine(result.ToString());
        Assert.Equal(2000, result.Schedules);
        Assert.Equal(6, result.DistinctInterleavings);
    }
}
