using System.Collections.Immutable;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;

namespace IrminSharp.Store.Tests;

/// <summary>
/// Replicas of one store, each a branch of one in-memory repository (they share objects, as
/// replicas that synced would), all starting from one base commit. Replicas edit and pull each
/// other's heads; a pull that conflicts is recorded and leaves the replica as it was. Every commit
/// is dated by a step counter, so a run is the same every time. Keeps a log of what happened for
/// failure reports.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class ReplicaSimulation<T> : IDisposable
{
    private static readonly string[] PathPool = ["f", "a/b", "a/c", "d/e/g"];

    private readonly List<string> events = [];
    private readonly Dictionary<StorePath, int> edits = [];
    private int step;

    /// <summary>
    /// <paramref name="replicas"/> replicas named r0, r1, …, and the first <paramref name="paths"/>
    /// of f, a/b, a/c, d/e/g, path <c>i</c> holding <c>subject.Sample(i)</c> in the base commit.
    /// </summary>
    public ReplicaSimulation(ConvergenceSubject<T> subject, int replicas, int paths)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paths, PathPool.Length);
        Subject = subject;
        Repository = MemoryRepository.Create(subject.ContentType, new RepositoryOptions { Clock = FixedClock.Epoch });
        Paths = [.. PathPool.Take(paths).Select(StorePath.Parse)];
        Replicas = [.. Enumerable.Range(0, replicas).Select(ReplicaName)];
        var tree = Tree.Empty;
        for (var i = 0; i < Paths.Length; i++)
        {
            tree = tree.Add(Paths[i], subject.Encode(subject.Sample(i)));
        }

        Base = Repository.Commit(tree, [], NextInfo("base", "base")).Hash;
        foreach (var replica in Replicas)
        {
            Repository.CreateBranch(replica, Base);
        }

        events.Add("base: " + Show(Base));
    }

    /// <summary>The content type under test.</summary>
    public ConvergenceSubject<T> Subject { get; }

    /// <summary>The repository holding every replica.</summary>
    public Repository<T> Repository { get; }

    /// <summary>The paths edited.</summary>
    public ImmutableArray<StorePath> Paths { get; }

    /// <summary>The replicas' branch names.</summary>
    public ImmutableArray<string> Replicas { get; }

    /// <summary>The base commit every replica starts from.</summary>
    public Hash Base { get; }

    /// <summary>What happened, one line per edit or merge.</summary>
    public IReadOnlyList<string> Events => events;

    /// <summary>How many merges conflicted.</summary>
    public int Conflicts { get; private set; }

    /// <summary>The name of replica <paramref name="index"/>.</summary>
    public static string ReplicaName(int index) => "r" + index;

    /// <summary>Runs the steps of a script: edits, and pulls whose conflicts are recorded.</summary>
    public void Run(IEnumerable<ReplicaStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var s in steps)
        {
            if (s.IsPull)
            {
                Pull(Replicas[s.Replica], Replicas[s.Other]);
            }
            else
            {
                Edit(Replicas[s.Replica], Paths[s.Other], s.Param);
            }
        }
    }

    /// <summary>Branch <paramref name="branch"/> makes the subject's edit <paramref name="param"/> at <paramref name="path"/> and commits.</summary>
    public void Edit(string branch, StorePath path, int param)
    {
        var handle = Repository.Branch(branch);
        var before = handle.Find(path);
        var info = NextInfo(branch, $"edit {path}");
        var after = Subject.Edit(before, branch, param, step);
        if ((Subject.Removal == PathRemoval.Never && !after.HasValue) || (Subject.Removal == PathRemoval.NotRecreated && !before.HasValue))
        {
            return;
        }

        var head = handle.HeadHash;
        var committed = handle.Transact(
            tx =>
            {
                if (after.HasValue)
                {
                    tx.Set(path, after.Value);
                }
                else
                {
                    tx.Remove(path);
                }
            },
            new TransactionOptions { Info = info });
        if (committed?.Hash != head)
        {
            edits[path] = EditsAt(path) + 1;
        }

        events.Add($"{branch}: {path} {Subject.Show(before)} -> {Subject.Show(after)}");
    }

    /// <summary>How many edits at <paramref name="path"/> made a commit, on every replica.</summary>
    public int EditsAt(StorePath path) => edits.GetValueOrDefault(path);

    /// <summary>Branch <paramref name="into"/> merges branch <paramref name="from"/>'s head; false (and nothing moves) on a conflict.</summary>
    public bool Pull(string into, string from) => Merge(into, Head(from), from);

    /// <summary>Branch <paramref name="into"/> merges commit <paramref name="theirs"/>; false (and nothing moves) on a conflict.</summary>
    public bool Merge(string into, Hash theirs, string what)
    {
        var result = Repository.Branch(into).TryMerge(theirs, NextInfo(into, "merge " + what));
        if (result.IsOk)
        {
            events.Add($"{into} <- {what}: {Show(Head(into))}");
            return true;
        }

        Conflicts++;
        events.Add($"{into} <- {what}: CONFLICT {string.Join("; ", result.Conflicts)}");
        return false;
    }

    /// <summary>
    /// A new branch <paramref name="observer"/> at <c>heads[order[0]]</c> that merges the other
    /// heads in <paramref name="order"/>; false at the first conflict.
    /// </summary>
    public bool Observe(string observer, IReadOnlyList<Hash> heads, IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(order);
        Fork(observer, heads[order[0]]);
        return order.Skip(1).All(i => Merge(observer, heads[i], $"{Replicas[i]}@{heads[i].ToShortString()}"));
    }

    /// <summary>Creates branch <paramref name="name"/> at <paramref name="commit"/>.</summary>
    public void Fork(string name, Hash commit)
    {
        Repository.CreateBranch(name, commit);
        events.Add($"{name} = {commit.ToShortString()}");
    }

    /// <summary>
    /// Branches <paramref name="x"/> and <paramref name="y"/> merge each other's current head
    /// concurrently (each from its own head before either merge). Where a merge conflicts, the
    /// conflicting paths are resolved by hand, alike on both sides, to
    /// <c>Subject.Sample(<paramref name="agreed"/>)</c>, in a merge commit with both heads as
    /// parents. Returns the paths resolved by hand.
    /// </summary>
    public IReadOnlySet<string> MergeEachOther(string x, string y, int agreed)
    {
        var heads = new Dictionary<string, Hash>(StringComparer.Ordinal) { [x] = Head(x), [y] = Head(y) };
        var resolved = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (into, other) in new[] { (x, y), (y, x) })
        {
            var (ours, theirs) = (heads[into], heads[other]);
            var merged = Repository.MergeTrees(ours, theirs, ConflictResolution.Ours);
            if (merged.IsClean)
            {
                if (!Merge(into, theirs, other + " (concurrently)"))
                {
                    throw new InvalidOperationException("A merge whose trees merge cleanly conflicted.");
                }

                continue;
            }

            var tree = merged.Tree ?? Tree.Empty;
            foreach (var path in merged.Conflicts.Select(c => c.Path).Distinct())
            {
                tree = tree.Add(StorePath.Parse(path), Subject.Encode(Subject.Sample(agreed)));
                resolved.Add(path);
            }

            var commit = Repository.Commit(tree, [ours, theirs], NextInfo(into, $"merge {other}, resolved by hand"));
            if (!Repository.CompareAndSwapBranch(into, ours, commit.Hash))
            {
                throw new InvalidOperationException("The branch moved during the merge.");
            }

            events.Add($"{into} <- {other} (concurrently): resolved {string.Join(", ", merged.Conflicts.Select(c => c.Path).Distinct())} by hand: {Show(commit.Hash)}");
        }

        return resolved;
    }

    /// <summary>The head of branch <paramref name="branch"/>.</summary>
    public Hash Head(string branch) =>
        Repository.TryGetBranch(branch, out var head) ? head : throw new InvalidOperationException($"No branch {branch}.");

    /// <summary>The replicas' heads, in replica order.</summary>
    public ImmutableArray<Hash> Heads() => [.. Replicas.Select(Head)];

    /// <summary>The tree of commit <paramref name="commit"/>.</summary>
    public Tree TreeOf(Hash commit) => Repository.TreeOf(Repository.GetCommit(commit));

    /// <summary>The value at <paramref name="path"/> in commit <paramref name="commit"/>.</summary>
    public Option<T> Find(Hash commit, StorePath path) =>
        TreeOf(commit).TryGetValue(path, out var bytes) ? Option<T>.Some(Repository.Decode(bytes)) : Option<T>.None;

    /// <summary>Every value of commit <paramref name="commit"/> in its canonical encoding, by path.</summary>
    public ImmutableSortedDictionary<string, byte[]> Values(Hash commit) => Values(TreeOf(commit));

    /// <summary>Every value of <paramref name="tree"/> (null: empty) in its canonical encoding, by path.</summary>
    public ImmutableSortedDictionary<string, byte[]> Values(Tree? tree) =>
        (tree ?? Tree.Empty).EnumerateContents().ToImmutableSortedDictionary(
            e => e.Key.ToString(),
            e => Subject.Encode(Repository.Decode(e.Value.Value)),
            StringComparer.Ordinal);

    /// <summary>Whether two sets of values hold the same paths with the same encodings.</summary>
    public static bool SameValues(IReadOnlyDictionary<string, byte[]> left, IReadOnlyDictionary<string, byte[]> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var other) && other.AsSpan().SequenceEqual(p.Value));
    }

    /// <summary>A rendering of commit <paramref name="commit"/>'s values.</summary>
    public string Show(Hash commit) => Show(TreeOf(commit));

    /// <summary>A rendering of the values of <paramref name="tree"/> (null: empty).</summary>
    public string Show(Tree? tree) =>
        "{" + string.Join(", ", (tree ?? Tree.Empty).EnumerateContents().Select(e => $"{e.Key}: {Subject.ContentType.Format(Repository.Decode(e.Value.Value))}")) + "}";

    /// <summary>A rendering of commit <paramref name="commit"/>'s values with their canonical encodings (hex), for values that render alike.</summary>
    public string ShowExact(Hash commit) =>
        "{" + string.Join(", ", Values(commit).Select(p => $"{p.Key}: {Subject.ContentType.Format(Repository.Decode(p.Value))} [{Convert.ToHexString(p.Value)}]")) + "}";

    /// <summary>Info for the next commit by <paramref name="author"/>, dated by the step counter.</summary>
    public CommitInfo NextInfo(string author, string message)
    {
        step++;
        return new CommitInfo(author, $"{message} (step {step})", step);
    }

    /// <inheritdoc/>
    public void Dispose() => Repository.Dispose();
}
