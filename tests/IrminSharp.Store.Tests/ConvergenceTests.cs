using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Store.Tests;

/// <summary>
/// The convergence guarantee of each content type, checked at store level on real repositories:
/// 3–4 replicas (branches of one repository) edit and pull each other in random orders, then
/// observers merge every replica's head in different orders and must hold the same values when
/// all their merges succeed. Also: merges are symmetric, two replicas that merged each other
/// agree, and a criss-cross whose common ancestors conflicted merges as a per-path model says.
/// Histories outside a type's guarantee (docs/design/merge-semantics.md) are pinned by minimal
/// reproductions that assert the disagreement, so the docs and the code change together.
/// </summary>
public sealed class ConvergenceTests
{
    private const int Cases = 500;
    private const int CrissCrossCases = 400;

    // --- Types that claim convergence: observers merging every head in any order agree. ---

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Counter_RemovedButNeverCreatedAgain_ObserversAgreeWhateverThePullOrder(ReplicaScript script) =>
        Converges(ConvergenceSubjects.CounterNotRecreated, script, observers: true);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Multiset_RemovedButNeverCreatedAgain_ObserversAgreeWhateverThePullOrder(ReplicaScript script) =>
        Converges(ConvergenceSubjects.MultisetNotRecreated, script, observers: true);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property AppendOnlyLog_ObserversAgreeWhateverThePullOrder_KeepEveryAppend_AndNoMergeConflicts(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Log, script, observers: true);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property ObservedRemoveSet_ObserversAgreeWhateverThePullOrder_AndNoMergeConflicts(ReplicaScript script) =>
        Converges(ConvergenceSubjects.OrSet, script, observers: true);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property LwwRegister_WrittenThroughWrite_ObserversAgreeWhateverThePullOrder(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Lww, script, observers: true);

    // --- What holds for the others: merges are symmetric, and two replicas that merged each
    // other agree. Default merges (string, JSON, lines, bytes) claim no more; see the facts below
    // for a value written back to an earlier one. ---

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Set_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Set, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property LwwRegister_WithRemovals_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.LwwWithRemovals, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property String_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.String, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Json_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Json, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property List_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.List, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Lines_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Lines, script, observers: false);

    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property Bytes_MergesAreSymmetricAndReplicasThatMergedEachOtherAgree(ReplicaScript script) =>
        Converges(ConvergenceSubjects.Bytes, script, observers: false);

    // With every write a value never written before, the default merge's observers agree too.
    [Property(MaxTest = Cases, Arbitrary = [typeof(ReplicaScripts)])]
    public Property String_EveryWriteFresh_ObserversAgreeWhateverThePullOrder(ReplicaScript script) =>
        Converges(ConvergenceSubjects.FreshString, script, observers: true);

    // --- Criss-cross: the final merge is the per-path merge against the agreed tree. ---

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property String_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.String, script);

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property Json_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.Json, script);

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property Lines_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.Lines, script);

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property Counter_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.Counter, script);

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property Multiset_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.Multiset, script);

    [Property(MaxTest = CrissCrossCases, Arbitrary = [typeof(CrissCrossScripts)])]
    public Property LwwRegister_CrissCrossResolvedAlike_MergesAsThePerPathModel(CrissCrossScript script) =>
        CrissCrossMatchesModel(ConvergenceSubjects.LwwWithRemovals, script);

    // --- The review's cases. ---

    [Fact]
    public void ReviewCrissCross_BothSidesResolveAlike_FinalMergeKeepsTheResolutionAndBothLaterEdits()
    {
        using var repo = MemoryRepository.Create(StringContents.Instance, new RepositoryOptions { Clock = FixedClock.Epoch });
        var history = BuildReviewCrissCross(repo);
        Assert.Equal(2, repo.LowestCommonAncestors(history.A, history.B).Count);

        foreach (var (ours, theirs) in new[] { (history.A, history.B), (history.B, history.A) })
        {
            var merged = repo.MergeCommits(ours, theirs, new CommitInfo("t", "final merge", 100));
            Assert.True(merged.IsOk, string.Join("; ", merged.Conflicts));
            var tree = repo.TreeOf(merged.Value);
            Assert.Equal("3", Read(repo, tree, "f"));
            Assert.Equal("g1", Read(repo, tree, "g"));
            Assert.Equal("h1", Read(repo, tree, "h"));
            Assert.Equal("x0", Read(repo, tree, "x"));
        }
    }

    [Fact]
    public void ReviewCrissCross_GitMergesTheSameHistoryCleanly()
    {
        using var git = GitScratchRepository.Create();
        git.Write("f", "0\n");
        git.Write("g", "g0\n");
        git.Write("x", "x0\n");
        git.CommitAll("base");
        git.Git("branch", "b");
        git.Write("f", "1\n");
        var a1 = git.CommitAll("A: f=1");
        git.Git("checkout", "-q", "b");
        git.Write("f", "2\n");
        var b1 = git.CommitAll("B: f=2");

        // Both merge the other's pre-merge head and resolve f alike.
        git.Git("checkout", "-q", "main");
        Assert.NotEqual(0, git.TryGit("merge", "-q", "--no-edit", b1).ExitCode);
        git.Write("f", "3\n");
        git.CommitAll("A merges B, f=3");
        git.Git("checkout", "-q", "b");
        Assert.NotEqual(0, git.TryGit("merge", "-q", "--no-edit", a1).ExitCode);
        git.Write("f", "3\n");
        git.CommitAll("B merges A, f=3");

        git.Git("checkout", "-q", "main");
        git.Write("g", "g1\n");
        git.CommitAll("A edits g");
        git.Git("checkout", "-q", "b");
        git.Write("h", "h1\n");
        git.CommitAll("B adds h");
        Assert.Equal(2, git.Git("merge-base", "--all", "main", "b").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        git.Git("checkout", "-q", "main");
        var (exitCode, output) = git.TryGit("merge", "--no-edit", "b");
        Assert.True(exitCode == 0, output);
        Assert.Equal("3\n", git.Read("f"));
        Assert.Equal("g1\n", git.Read("g"));
        Assert.Equal("h1\n", git.Read("h"));
        Assert.Equal("x0\n", git.Read("x"));
    }

    [Fact]
    public void ReviewThreeReplicas_Counter_RemovedTwiceAndSetOnce_ConflictsInEveryOrder()
    {
        using var h = new SmallHistory<long>(CounterContents.Instance);
        var root = h.Root(("f", 5), ("g", 0));
        var outcomes = h.EveryOrder("f", h.Child(root, "f", Option<long>.None), h.Child(root, "f", Option<long>.None), h.Child(root, "f", 8));
        Assert.All(outcomes, o => Assert.Equal("conflict", o));
    }

    [Fact]
    public void ReviewThreeReplicas_Multiset_RemovedTwiceAndAddedOnce_IsEmptyInEveryOrder()
    {
        var type = ConvergenceSubjects.MultisetType;
        using var h = new SmallHistory<ImmutableSortedDictionary<string, long>>(type);
        var root = h.Root(("f", type.Empty.Add("x", 1)));
        var outcomes = h.EveryOrder("f", h.Child(root, "f", type.Empty), h.Child(root, "f", type.Empty), h.Child(root, "f", type.Empty.Add("x", 2)));
        Assert.All(outcomes, o => Assert.Equal("{} [80]", o));
    }

    [Fact]
    public void ReviewThreeReplicas_Log_ThreeConcurrentAppends_SameLogInEveryOrder()
    {
        using var h = new SmallHistory<AppendOnlyLog<string>>(ConvergenceSubjects.LogType);
        var start = AppendOnlyLog<string>.Of(["b"]);
        var root = h.Root(("f", start));
        var heads = new[] { "a1", "a2", "a3" }.Select(entry => h.Child(root, "f", start.Append(entry))).ToArray();
        var outcomes = h.EveryOrder("f", heads);
        Assert.All(outcomes, o => Assert.Equal(outcomes[0], o));
        var merged = h.Get(h.Merge(h.Merge(heads[0], heads[1]), heads[2]), "f");
        Assert.Equal([(1L, "b"), (2L, "a1"), (2L, "a2"), (2L, "a3")], merged.Entries.Select(e => (e.Stamp, e.Value)));
    }

    [Fact]
    public void ReviewThreeReplicas_Lww_WriteAfterAHigherStampWithAClockBehind_WinsInEveryOrder()
    {
        using var h = new SmallHistory<LwwRegister<string>>(ConvergenceSubjects.LwwType);
        var start = new LwwRegister<string>("v0", 1, "r0");
        var root = h.Root(("f", start));
        var v1 = start.Write("v1", 5, "r1");
        var r1 = h.Child(root, "f", v1);
        var v2 = v1.Write("v2", 3, "r2");
        Assert.Equal(6, v2.Timestamp);
        var r2 = h.Child(r1, "f", v2);
        var r3 = h.Child(root, "f", start.Write("v3", 4, "r3"));
        Assert.All(h.EveryOrder("f", r1, r2, r3), o => Assert.StartsWith("v2 @6 by r2 ", o, StringComparison.Ordinal));
    }

    // --- Minimal reproductions of what the properties found. ---

    // Base f=5. r0 and r2 remove f; r1 merges both removals; then r0 creates f=0 and r2 f=1.
    // Merging r2 and r0 first compares 1 and 0 with 5 (each removal counted: −4); merging r1's
    // removal first compares each with absent (1). Both orders merge cleanly.
    [Fact]
    public void Counter_RemovedOnTwoReplicasAndCreatedAgain_IsOutsideTheGuarantee()
    {
        using var h = new SmallHistory<long>(CounterContents.Instance);
        var root = h.Root(("f", 5), ("g", 0));
        var (r0, r2) = (h.Child(root, "f", Option<long>.None), h.Child(root, "f", Option<long>.None));
        var r1 = h.Merge(r0, r2);
        var (r0Again, r2Again) = (h.Child(r0, "f", 0), h.Child(r2, "f", 1));
        Assert.NotEqual(h.Outcome("f", r2Again, r0Again, r1), h.Outcome("f", r1, r2Again, r0Again));
    }

    // The same for multisets: base {y}; both re-created sets count y as removed twice: {x, y×−1} against {x}.
    [Fact]
    public void Multiset_RemovedOnTwoReplicasAndCreatedAgain_IsOutsideTheGuarantee()
    {
        var type = ConvergenceSubjects.MultisetType;
        using var h = new SmallHistory<ImmutableSortedDictionary<string, long>>(type);
        var root = h.Root(("f", type.Empty.Add("y", 1)), ("g", type.Empty));
        var (r0, r2) = (h.Child(root, "f", Option<ImmutableSortedDictionary<string, long>>.None), h.Child(root, "f", Option<ImmutableSortedDictionary<string, long>>.None));
        var r1 = h.Merge(r0, r2);
        var (r0Again, r2Again) = (h.Child(r0, "f", type.Empty), h.Child(r2, "f", type.Empty.Add("x", 1)));
        Assert.NotEqual(h.Outcome("f", r2Again, r0Again, r1), h.Outcome("f", r1, r2Again, r0Again));
    }

    // f absent at the root. r1 creates f = v1@2 and r2 f = v2@1, concurrently; r0 takes r1's and
    // removes f. Every stamp is later than what it replaced. r0 then r2: r2's creation stands
    // against r0's removal (v2@1); r1, r2, then r0: v1@2 wins, then r0's removal removes it (absent).
    [Fact]
    public void LwwRegister_ConcurrentCreationsAndARemoval_IsOutsideTheGuarantee()
    {
        using var h = new SmallHistory<LwwRegister<string>>(ConvergenceSubjects.LwwType);
        var root = h.Root(("g", new LwwRegister<string>("g", 1, "r0")));
        var r1 = h.Child(root, "f", new LwwRegister<string>("v1", 2, "r1"));
        var r2 = h.Child(root, "f", new LwwRegister<string>("v2", 1, "r2"));
        var r0 = h.Child(r1, "f", Option<LwwRegister<string>>.None);
        Assert.NotEqual(h.Outcome("f", r0, r2), h.Outcome("f", r1, r2, r0));
    }

    // Base {x}. r0 removes x; r3 takes r0's and adds x back; r1 removes x. r3 then r1: r3 looks
    // unchanged from the base, so r1's removal wins ({}); r0, r1, then r3: against r0 (where x
    // was gone), r3 added x ({x}).
    [Fact]
    public void Set_AnElementRemovedAndAddedBack_IsOutsideTheGuarantee()
    {
        var (first, second) = ValueWrittenBack(ConvergenceSubjects.SetType, ConvergenceSubjects.SetType.Empty.Add("x"), ConvergenceSubjects.SetType.Empty);
        Assert.NotEqual("conflict", first);
        Assert.NotEqual("conflict", second);
        Assert.NotEqual(first, second);
    }

    // The same history for the default merges (not claimed order-independent): a value written
    // back to the ancestor's makes the two orders disagree, and both merge cleanly.
    [Fact]
    public void DefaultMerges_AValueWrittenBackToAnEarlierOne_ObserversInTwoOrdersDisagree()
    {
        AssertDisagree(ValueWrittenBack(StringContents.Instance, "a", "b"));
        AssertDisagree(ValueWrittenBack(LinesContents.Instance, "a\nb\n", "a\nc\n"));
        AssertDisagree(ValueWrittenBack(BytesContents.Instance, [1], [2]));
        AssertDisagree(ValueWrittenBack<System.Text.Json.Nodes.JsonNode?>(JsonContents.Instance, new System.Text.Json.Nodes.JsonObject { ["k"] = 1 }, new System.Text.Json.Nodes.JsonObject { ["k"] = 2 }));

        static void AssertDisagree((string First, string Second) outcomes)
        {
            Assert.NotEqual("conflict", outcomes.First);
            Assert.NotEqual("conflict", outcomes.Second);
            Assert.NotEqual(outcomes.First, outcomes.Second);
        }
    }

    // Linear merges count changes, not states: the same history agrees.
    [Fact]
    public void LinearMerges_AValueWrittenBackToAnEarlierOne_ObserversAgree()
    {
        var (first, second) = ValueWrittenBack(CounterContents.Instance, 5, 6);
        Assert.Equal("6 [06]", first);
        Assert.Equal(first, second);
        var type = ConvergenceSubjects.MultisetType;
        var (bagFirst, bagSecond) = ValueWrittenBack(type, type.Empty.Add("x", 1), type.Empty);
        Assert.Equal(bagFirst, bagSecond);
    }

    // --- A log synced many times. ---

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 3)]
    public void AppendOnlyLog_SyncedManyTimes_NeverConflictsAndEndsTheSameEverywhere(int replicas, int seed)
    {
        var random = new Random(seed);
        using var sim = new ReplicaSimulation<AppendOnlyLog<string>>(ConvergenceSubjects.Log, replicas, 2);
        var appends = 0;
        for (var round = 0; round < 50; round++)
        {
            foreach (var replica in sim.Replicas)
            {
                for (var n = random.Next(3); n > 0; n--)
                {
                    sim.Edit(replica, sim.Paths[random.Next(sim.Paths.Length)], random.Next(64));
                    appends++;
                }
            }

            var into = random.Next(replicas);
            var from = (into + 1 + random.Next(replicas - 1)) % replicas;
            Assert.True(sim.Pull(sim.Replicas[into], sim.Replicas[from]), string.Join("\n", sim.Events));
        }

        // Everyone pulls everyone, twice round: then all hold one head.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var into in sim.Replicas)
            {
                foreach (var from in sim.Replicas.Where(r => r != into))
                {
                    Assert.True(sim.Pull(into, from), string.Join("\n", sim.Events));
                }
            }
        }

        Assert.Equal(0, sim.Conflicts);
        var heads = sim.Heads();
        Assert.All(heads, h => Assert.Equal(heads[0], h));
        var total = sim.Paths.Sum(p => sim.Find(heads[0], p).Value.Count);
        Assert.Equal(appends + sim.Paths.Length, total);
    }

    // --- The checks. ---

    private static Property Converges<T>(ConvergenceSubject<T> subject, ReplicaScript script, bool observers)
    {
        using var sim = new ReplicaSimulation<T>(subject, script.Replicas, script.Paths);
        sim.Run(script.Decode());
        var heads = sim.Heads();
        var (first, second) = script.ObserverOrders();
        var failures = new List<string>();
        CheckSymmetry(sim, heads, failures);
        CheckMutualMerges(sim, heads[first[0]], heads[second[0]], failures);
        var observed = observers && CheckObservers(sim, heads, first, second, failures);
        if (observed && subject.Entries is { } entries)
        {
            CheckEveryEditKept(sim, entries, sim.Head("observer-a"), failures);
        }

        if (subject.NeverConflicts && sim.Conflicts > 0)
        {
            failures.Add($"{sim.Conflicts} merges conflicted, but {subject.Name} merges never should");
        }

        if (failures.Count > 0)
        {
            return false.Label(
                $"{subject.Name}: {string.Join("\n", failures)}\n{script}\nobserver orders [{string.Join(", ", first)}] and [{string.Join(", ", second)}]\n"
                + string.Join("\n", sim.Events.Select(e => "  " + e)));
        }

        return true.ToProperty().Classify(observed, "observers merged every head").Classify(sim.Conflicts > 0, "some merge conflicted");
    }

    // Merging X into Y and Y into X give the same tree and the same conflicting paths.
    private static void CheckSymmetry<T>(ReplicaSimulation<T> sim, ImmutableArray<Hash> heads, List<string> failures)
    {
        for (var i = 0; i < heads.Length; i++)
        {
            for (var j = i + 1; j < heads.Length; j++)
            {
                var one = sim.Repository.MergeTrees(heads[i], heads[j]);
                var other = sim.Repository.MergeTrees(heads[j], heads[i]);
                var onePaths = one.Conflicts.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
                if (!onePaths.SetEquals(other.Conflicts.Select(c => c.Path)) || !ReplicaSimulation<T>.SameValues(sim.Values(one.Tree), sim.Values(other.Tree)))
                {
                    failures.Add(
                        $"asymmetric merge of {sim.Replicas[i]} and {sim.Replicas[j]}: {sim.Show(one.Tree)} conflicts [{string.Join(", ", one.Conflicts)}]"
                        + $" vs {sim.Show(other.Tree)} conflicts [{string.Join(", ", other.Conflicts)}]");
                }
            }
        }
    }

    // Two replicas that merged each other agree: X pulls Y then Y pulls X (a fast-forward); or
    // both merge the other concurrently, and then again.
    private static void CheckMutualMerges<T>(ReplicaSimulation<T> sim, Hash x, Hash y, List<string> failures)
    {
        sim.Fork("then-x", x);
        sim.Fork("then-y", y);
        if (sim.Merge("then-x", y, "y") && sim.Merge("then-y", sim.Head("then-x"), "then-x") && sim.Head("then-y") != sim.Head("then-x"))
        {
            failures.Add("after X pulled Y, Y pulling X was not a fast-forward");
        }

        sim.Fork("both-x", x);
        sim.Fork("both-y", y);
        if (!(sim.Merge("both-x", y, "y") & sim.Merge("both-y", x, "x")))
        {
            return;
        }

        var once = (X: sim.Head("both-x"), Y: sim.Head("both-y"));
        if (!ReplicaSimulation<T>.SameValues(sim.Values(once.X), sim.Values(once.Y)))
        {
            failures.Add($"after merging each other concurrently: {sim.ShowExact(once.X)} vs {sim.ShowExact(once.Y)}");
        }

        var again = sim.Merge("both-x", once.Y, "both-y") & sim.Merge("both-y", once.X, "both-x");
        if (!again || !ReplicaSimulation<T>.SameValues(sim.Values(sim.Head("both-x")), sim.Values(sim.Head("both-y"))))
        {
            failures.Add($"after merging each other concurrently twice: {(again ? "ok" : "CONFLICT")}, {sim.ShowExact(sim.Head("both-x"))} vs {sim.ShowExact(sim.Head("both-y"))}");
        }
    }

    // Two fresh observers merge every head in two orders; then two replicas pull every other
    // replica in those orders. Where every merge succeeded, the two must hold the same values.
    // Returns whether the fresh observers' merges all succeeded.
    private static bool CheckObservers<T>(ReplicaSimulation<T> sim, ImmutableArray<Hash> heads, int[] first, int[] second, List<string> failures)
    {
        var observed = sim.Observe("observer-a", heads, first) & sim.Observe("observer-b", heads, second);
        if (observed && !ReplicaSimulation<T>.SameValues(sim.Values(sim.Head("observer-a")), sim.Values(sim.Head("observer-b"))))
        {
            failures.Add($"observers disagree: [{string.Join(", ", first)}] gives {sim.ShowExact(sim.Head("observer-a"))}; [{string.Join(", ", second)}] gives {sim.ShowExact(sim.Head("observer-b"))}");
        }

        var (x, y) = (sim.Replicas[first[0]], sim.Replicas[second[0]]);
        var pulled = first.Skip(1).All(i => sim.Pull(x, sim.Replicas[i])) & second.Where(i => sim.Replicas[i] != y).All(i => sim.Pull(y, sim.Replicas[i]));
        if (pulled && !ReplicaSimulation<T>.SameValues(sim.Values(sim.Head(x)), sim.Values(sim.Head(y))))
        {
            failures.Add($"replicas that pulled every other disagree: {x} holds {sim.ShowExact(sim.Head(x))}; {y} holds {sim.ShowExact(sim.Head(y))}");
        }

        return observed;
    }

    // A merge of every head holds, at each path, the base value's entries and one per edit.
    private static void CheckEveryEditKept<T>(ReplicaSimulation<T> sim, Func<T, int> entries, Hash merged, List<string> failures)
    {
        for (var i = 0; i < sim.Paths.Length; i++)
        {
            var expected = entries(sim.Subject.Sample(i)) + sim.EditsAt(sim.Paths[i]);
            var found = sim.Find(merged, sim.Paths[i]);
            if (!found.HasValue || entries(found.Value) != expected)
            {
                failures.Add($"{sim.Paths[i]} holds {sim.Subject.Show(found)} after merging every head, not {expected} entries");
            }
        }
    }

    // r0 and r1 edit, merge each other concurrently resolving conflicts alike, edit again, and
    // merge: the result must be, path by path, the content merge of the two sides against the
    // agreed tree, where the paths resolved by hand have an unknown (conflicting) ancestor.
    private static Property CrissCrossMatchesModel<T>(ConvergenceSubject<T> subject, CrissCrossScript script)
    {
        using var sim = new ReplicaSimulation<T>(subject, 2, script.Paths);
        sim.Run(script.BeforeSteps);
        var resolved = sim.MergeEachOther("r0", "r1", script.Agreed);
        var agreed = sim.Head("r0");
        var failures = new List<string>();
        if (!ReplicaSimulation<T>.SameValues(sim.Values(agreed), sim.Values(sim.Head("r1"))))
        {
            failures.Add($"after merging each other the sides differ: {sim.Show(agreed)} vs {sim.Show(sim.Head("r1"))}");
        }

        sim.Run(script.AfterSteps);
        var (a, b) = (sim.Head("r0"), sim.Head("r1"));
        var merged = sim.Repository.MergeCommits(a, b, sim.NextInfo("r0", "final merge"));
        var expectedConflicts = new SortedSet<string>(StringComparer.Ordinal);
        var expected = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in sim.Paths)
        {
            var ancestor = resolved.Contains(path.ToString())
                ? Ancestor<Option<T>>.Lazy(() => MergeResult<Option<Option<T>>>.Failed(new Conflict(string.Empty, "the common ancestors conflicted")))
                : Ancestor<Option<T>>.Of(sim.Find(agreed, path));
            var result = subject.ContentType.Merge(ancestor, sim.Find(a, path), sim.Find(b, path));
            if (!result.TryGetValue(out var value))
            {
                expectedConflicts.Add(path.ToString());
            }
            else if (value.HasValue)
            {
                expected[path.ToString()] = subject.Encode(value.Value);
            }
        }

        var actualConflicts = merged.Conflicts.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        if (!actualConflicts.SetEquals(expectedConflicts))
        {
            failures.Add($"final merge conflicts at [{string.Join(", ", actualConflicts)}], the model at [{string.Join(", ", expectedConflicts)}]: {string.Join("; ", merged.Conflicts)}");
        }
        else if (merged.IsOk && !ReplicaSimulation<T>.SameValues(sim.Values(merged.Value.Hash), expected.ToImmutable()))
        {
            failures.Add($"final merge gives {sim.ShowExact(merged.Value.Hash)}; the model expects {{{string.Join(", ", expected.Select(p => $"{p.Key}: [{Convert.ToHexString(p.Value)}]"))}}}");
        }

        if (failures.Count > 0)
        {
            return false.Label(
                $"{subject.Name}: {string.Join("\n", failures)}\n{script}\nresolved by hand: [{string.Join(", ", resolved)}]\n"
                + string.Join("\n", sim.Events.Select(e => "  " + e)));
        }

        return true.ToProperty()
            .Classify(resolved.Count > 0 && merged.IsOk, "ancestors conflicted, final merge clean")
            .Classify(resolved.Count > 0 && !merged.IsOk, "ancestors conflicted, final merge conflicted");
    }

    // Base f=a. r0 writes b; r3 takes r0's and writes a back; r1 writes b. The outcomes of
    // r3, r1, r0 and of r0, r1, r3.
    private static (string First, string Second) ValueWrittenBack<T>(IContentType<T> type, T a, T b)
    {
        using var h = new SmallHistory<T>(type);
        var root = h.Root(("f", a), ("g", a));
        var r0 = h.Child(root, "f", b);
        var r3 = h.Child(r0, "f", a);
        var r1 = h.Child(root, "f", b);
        return (h.Outcome("f", r3, r1, r0), h.Outcome("f", r0, r1, r3));
    }

    private static string? Read(Repository<string> repo, Tree tree, StorePath path) =>
        tree.TryGetValue(path, out var bytes) ? repo.Decode(bytes) : null;

    // Base f=0, g=g0, x=x0. A sets f=1, B sets f=2; each merges the other's pre-merge head and
    // resolves f=3 by hand; then A edits g and B adds h.
    private static (Hash A, Hash B) BuildReviewCrissCross(Repository<string> repo)
    {
        var time = 0L;
        CommitInfo Info(string message) => new("t", message, ++time);
        var root = repo.Commit(Tree.Empty.Add("f", repo.Encode("0")).Add("g", repo.Encode("g0")).Add("x", repo.Encode("x0")), [], Info("base"));
        var a1 = repo.Commit(repo.TreeOf(root).Add("f", repo.Encode("1")), [root.Hash], Info("A: f=1"));
        var b1 = repo.Commit(repo.TreeOf(root).Add("f", repo.Encode("2")), [root.Hash], Info("B: f=2"));
        Hash ResolveF(Commit ours, Commit theirs)
        {
            var merged = repo.MergeTrees(ours.Hash, theirs.Hash, ConflictResolution.Ours);
            Assert.Equal(["f"], merged.Conflicts.Select(c => c.Path).Distinct());
            return repo.Commit(merged.Tree!.Add("f", repo.Encode("3")), [ours.Hash, theirs.Hash], Info("merge, f=3 by hand")).Hash;
        }

        var a2 = repo.GetCommit(ResolveF(a1, b1));
        var b2 = repo.GetCommit(ResolveF(b1, a1));
        var a3 = repo.Commit(repo.TreeOf(a2).Add("g", repo.Encode("g1")), [a2.Hash], Info("A edits g"));
        var b3 = repo.Commit(repo.TreeOf(b2).Add("h", repo.Encode("h1")), [b2.Hash], Info("B adds h"));
        return (a3.Hash, b3.Hash);
    }
}
