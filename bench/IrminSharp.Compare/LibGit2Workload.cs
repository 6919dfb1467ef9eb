using System.Diagnostics;
using System.Text;
using LibGit2Sharp;

namespace IrminSharp.Compare;

/// <summary>The same workloads on LibGit2Sharp, in a bare repository on a RAM disk.</summary>
internal sealed class LibGit2Workload : IDisposable
{
    private readonly string path;
    private readonly Repository repo;
    private readonly Signature signature = new("bench", "bench@example.org", DateTimeOffset.UnixEpoch);

    public LibGit2Workload()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        path = Path.Combine(root, "irmin-compare-" + Guid.NewGuid().ToString("N"));
        Repository.Init(path, isBare: true);
        repo = new Repository(path);
    }

    public LibGit2Sharp.Commit Populate(Layout layout)
    {
        var definition = new TreeDefinition();
        for (var i = 0; i < layout.Entries; i++)
        {
            definition.Add(layout.PathOf(i), Blob(Layout.ValueOf(i, 0)), Mode.NonExecutableFile);
        }

        var commit = repo.ObjectDatabase.CreateCommit(signature, signature, "populate", repo.ObjectDatabase.CreateTree(definition), [], prettifyMessage: false);
        repo.Refs.Add("refs/heads/main", commit.Id);
        return commit;
    }

    public Measurement CommitOneChangeEach(Layout layout, int commits, int warmup, Random rng)
    {
        var head = repo.Lookup<LibGit2Sharp.Commit>(repo.Refs["refs/heads/main"].TargetIdentifier);
        for (var w = 0; w < warmup; w++)
        {
            var i = rng.Next(layout.Entries);
            head = CommitChange(head, layout.PathOf(i), Layout.ValueOf(i, -1 - w));
        }

        var bytesBefore = ObjectBytes();
        var clock = Stopwatch.StartNew();
        for (var c = 0; c < commits; c++)
        {
            var i = rng.Next(layout.Entries);
            head = CommitChange(head, layout.PathOf(i), Layout.ValueOf(i, c + 1));
        }

        clock.Stop();
        return new Measurement("LibGit2Sharp", commits, clock.Elapsed, ObjectBytes() - bytesBefore, TimeSpan.Zero);
    }

    public LibGit2Sharp.Commit Branch(LibGit2Sharp.Commit from, Layout layout, string name, IEnumerable<int> changes)
    {
        var head = from;
        foreach (var i in changes)
        {
            head = CommitChange(head, layout.PathOf(i), Layout.ValueOf(i, 1) + name, updateMain: false);
        }

        repo.Refs.Add("refs/heads/" + name, head.Id);
        return head;
    }

    public Measurement MergeRepeatedly(LibGit2Sharp.Commit ours, LibGit2Sharp.Commit theirs, int merges)
    {
        var bytesBefore = ObjectBytes();
        var clock = Stopwatch.StartNew();
        for (var m = 0; m < merges; m++)
        {
            var result = repo.ObjectDatabase.MergeCommits(ours, theirs, new MergeTreeOptions());
            if (result.Status != MergeTreeStatus.Succeeded)
            {
                throw new InvalidOperationException("LibGit2Sharp merge conflicted");
            }

            var when = new Signature("bench", "bench@example.org", DateTimeOffset.UnixEpoch.AddSeconds(m));
            repo.ObjectDatabase.CreateCommit(when, when, "merge", result.Tree, [ours, theirs], prettifyMessage: false);
        }

        clock.Stop();
        return new Measurement("LibGit2Sharp", merges, clock.Elapsed, ObjectBytes() - bytesBefore, TimeSpan.Zero);
    }

    public string Read(ObjectId commit, string file)
    {
        var entry = repo.Lookup<LibGit2Sharp.Commit>(commit)[file];
        return entry?.Target is Blob blob ? blob.GetContentText() : "<missing>";
    }

    public LibGit2Sharp.Commit Head => repo.Lookup<LibGit2Sharp.Commit>(repo.Refs["refs/heads/main"].TargetIdentifier);

    private LibGit2Sharp.Commit CommitChange(LibGit2Sharp.Commit parent, string file, string value, bool updateMain = true)
    {
        var definition = TreeDefinition.From(parent.Tree);
        definition.Add(file, Blob(value), Mode.NonExecutableFile);
        var tree = repo.ObjectDatabase.CreateTree(definition);
        var commit = repo.ObjectDatabase.CreateCommit(signature, signature, "change one entry", tree, [parent], prettifyMessage: false);
        if (updateMain)
        {
            repo.Refs.UpdateTarget(repo.Refs["refs/heads/main"], commit.Id);
        }

        return commit;
    }

    private Blob Blob(string value)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(value));
        return repo.ObjectDatabase.CreateBlob(stream);
    }

    private long ObjectBytes() =>
        new DirectoryInfo(Path.Combine(path, "objects")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

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
    }
}
