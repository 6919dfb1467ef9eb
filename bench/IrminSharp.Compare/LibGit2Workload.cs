using System.Diagnostics;
using System.Text;
using LibGit2Sharp;

namespace IrminSharp.Compare;

/// <summary>
/// The same workloads on LibGit2Sharp, in a bare repository the workload creates and deletes: on a
/// RAM disk (/dev/shm, else the temporary directory), or in a given directory on disk. Each commit is made the efficient
/// way, through the object database: blob, tree definition from the parent's tree, tree, commit, ref.
/// </summary>
internal sealed class LibGit2Workload : IDisposable
{
    public const string Name = "LibGit2Sharp";
    private const string MainRef = "refs/heads/main";

    private readonly string path;
    private readonly Repository repo;
    private readonly Signature signature = new("bench", "bench@example.org", DateTimeOffset.UnixEpoch);

    /// <param name="root">The directory to make the repository in; null for the RAM disk.</param>
    public LibGit2Workload(string? root = null)
    {
        root ??= Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        path = Path.Combine(root, "irmin-compare-" + Guid.NewGuid().ToString("N"));
        Repository.Init(path, isBare: true);
        repo = new Repository(path);
    }

    /// <summary>Commits every entry at version 0 as the first commit on main, from one tree definition.</summary>
    public Commit Populate(Layout layout)
    {
        var definition = new TreeDefinition();
        for (var i = 0; i < layout.Entries; i++)
        {
            definition.Add(layout.PathOf(i), Blob(layout.InitialValueOf(i)), Mode.NonExecutableFile);
        }

        var tree = repo.ObjectDatabase.CreateTree(definition);
        var commit = repo.ObjectDatabase.CreateCommit(signature, signature, "populate", tree, [], prettifyMessage: false);
        repo.Refs.Add(MainRef, commit.Id);
        return commit;
    }

    public Measurement CommitOneChangeEach(Layout layout, ChangePlan plan)
    {
        var head = MainHead;
        for (var w = 0; w < plan.Warmup.Count; w++)
        {
            var i = plan.Warmup[w];
            head = CommitChange(head, layout.PathOf(i), ChangePlan.WarmupValue(i, w), MainRef);
        }

        var bytesBefore = ObjectBytes();
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < plan.Timed.Count; c++)
        {
            var i = plan.Timed[c];
            head = CommitChange(head, layout.PathOf(i), ChangePlan.TimedValue(i, c), MainRef);
        }

        clock.Stop();
        var perCommit = (ObjectBytes() - bytesBefore) / plan.Timed.Count;
        return new Measurement(Name, plan.Timed.Count, clock.Elapsed, perCommit, TimeSpan.Zero);
    }

    /// <summary>Makes branch <paramref name="name"/> at <paramref name="from"/> with one commit per changed entry.</summary>
    public Commit Branch(string name, Commit from, Layout layout, IEnumerable<int> changes)
    {
        var branchRef = "refs/heads/" + name;
        repo.Refs.Add(branchRef, from.Id);
        var head = from;
        foreach (var i in changes)
        {
            head = CommitChange(head, layout.PathOf(i), MergeScenario.BranchValue(i, name), branchRef);
        }

        return head;
    }

    /// <summary>
    /// Merges the trees of <paramref name="theirs"/> and <paramref name="ours"/> and commits the
    /// result, as <see cref="IrminWorkload.MergeRepeatedly"/> does: untimed warm-ups (the first
    /// one's new objects are the bytes per merge), then <paramref name="merges"/> timed.
    /// </summary>
    public (Measurement Measurement, Commit Merged) MergeRepeatedly(Commit ours, Commit theirs, int warmup, int merges)
    {
        var bytesBefore = ObjectBytes();
        var merged = Merge(ours, theirs, 0);
        var firstMergeBytes = ObjectBytes() - bytesBefore;
        for (var w = 1; w < warmup; w++)
        {
            Merge(ours, theirs, merges + w);
        }

        var clock = Stopwatch.StartNew();
        for (var m = 0; m < merges; m++)
        {
            Merge(ours, theirs, 1 + m);
        }

        clock.Stop();
        return (new Measurement(Name, merges, clock.Elapsed, firstMergeBytes, TimeSpan.Zero), merged);
    }

    /// <summary>The text at <paramref name="file"/> in <paramref name="commit"/>, or null.</summary>
    public static string? Read(Commit commit, string file) =>
        commit[file]?.Target is Blob blob ? blob.GetContentText() : null;

    public Commit MainHead => repo.Lookup<Commit>(repo.Refs[MainRef].TargetIdentifier);

    public void Dispose()
    {
        repo.Dispose();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Commit CommitChange(Commit parent, string file, string value, string branchRef)
    {
        var definition = TreeDefinition.From(parent.Tree);
        definition.Add(file, Blob(value), Mode.NonExecutableFile);
        var tree = repo.ObjectDatabase.CreateTree(definition);
        var commit = repo.ObjectDatabase.CreateCommit(signature, signature, "change one entry", tree, [parent], prettifyMessage: false);
        repo.Refs.UpdateTarget(repo.Refs[branchRef], commit.Id);
        return commit;
    }

    private Commit Merge(Commit ours, Commit theirs, int second)
    {
        var result = repo.ObjectDatabase.MergeCommits(ours, theirs, new MergeTreeOptions());
        if (result.Status != MergeTreeStatus.Succeeded)
        {
            throw new VerificationException($"{Name}: the merge conflicted");
        }

        var when = new Signature("bench", "bench@example.org", DateTimeOffset.UnixEpoch.AddSeconds(second));
        return repo.ObjectDatabase.CreateCommit(when, when, "merge", result.Tree, [ours, theirs], prettifyMessage: false);
    }

    private Blob Blob(string value)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(value));
        return repo.ObjectDatabase.CreateBlob(stream);
    }

    /// <summary>The size of the objects directory: the zlib-compressed loose objects written so far.</summary>
    private long ObjectBytes() =>
        new DirectoryInfo(Path.Combine(path, "objects")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
