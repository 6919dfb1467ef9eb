using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;

namespace IrminSharp.Store.Tests;

/// <summary>
/// The repository against a plain model: a dictionary per branch, with counters so that merges
/// have one right answer (ours + theirs − ancestor per path).
/// </summary>
public sealed class RepositoryModelTests
{
    private static readonly string[] Paths = ["a", "b/c", "b/d", "e/f/g", "h"];
    private static readonly string[] BranchNames = ["main", "x", "y"];

    [Property(MaxTest = 1500, EndSize = 80)]
    public Property Store_MatchesTheModel(int[] script)
    {
        using var repo = MemoryRepository.Create(CounterContents.Instance);
        var model = new Dictionary<string, Dictionary<string, long>> { ["main"] = new() { ["seed"] = 0 } };
        var snapshots = new Dictionary<Hash, Dictionary<string, long>>();
        var seed = repo.Main.Set("seed", 0, "seed");
        snapshots[seed.Hash] = new(model["main"]);
        var log = new List<string>();
        foreach (var op in script ?? [])
        {
            // FsCheck's ints are small; spread them (Knuth's multiplicative hash) so that every
            // branch, path, operation and merge partner is reached.
            var code = (int)(unchecked((uint)op * 2654435761u) >> 1);
            var branch = BranchNames[code % BranchNames.Length];
            var path = Paths[code / 3 % Paths.Length];
            if (!model.TryGetValue(branch, out var state))
            {
                repo.CreateBranch(branch, repo.Main.HeadHash!.Value);
                state = model[branch] = new Dictionary<string, long>(model["main"]);
                log.Add($"branch {branch}");
            }

            var handle = repo.Branch(branch);
            switch (code / 15 % 4)
            {
                case 0:
                case 1:
                    var delta = code / 60 % 7 + 1;
                    handle.Transact(tx => tx.Set(path, tx.Find(path).GetValueOrDefault(0) + delta));
                    state[path] = state.GetValueOrDefault(path) + delta;
                    log.Add($"{branch}: {path} += {delta}");
                    break;
                case 2:
                    handle.Remove(path);
                    state.Remove(path);
                    log.Add($"{branch}: rm {path}");
                    break;
                default:
                    var other = BranchNames[(code / 60 + 1) % BranchNames.Length];
                    if (other == branch || !model.TryGetValue(other, out var theirs))
                    {
                        break;
                    }

                    var lcas = repo.LowestCommonAncestors(handle.HeadHash!.Value, repo.Branch(other).HeadHash!.Value);
                    if (lcas.Count != 1)
                    {
                        // Several LCAs: the model has no single ancestor; the merge must still succeed.
                        Assert(handle.TryMerge(repo.Branch(other).HeadHash!.Value).IsOk, "criss-cross merge failed");
                        model[branch] = state = Flatten(handle);
                        log.Add($"{branch}: merge {other} (several LCAs)");
                        break;
                    }

                    var expected = MergeModel(snapshots[lcas[0]], state, theirs);
                    var merged = handle.TryMerge(repo.Branch(other).HeadHash!.Value);
                    if (expected is null)
                    {
                        Assert(!merged.IsOk, "a removal against a change merged");
                        log.Add($"{branch}: merge {other} conflicts");
                        break;
                    }

                    Assert(merged.IsOk, "counter merge conflicted");
                    model[branch] = state = expected;
                    log.Add($"{branch}: merge {other}");
                    break;
            }

            snapshots[handle.HeadHash!.Value] = new(state);
            var actual = Flatten(handle);
            if (!SameMap(actual, state))
            {
                return false.Label(string.Join("\n", log) + "\nactual: " + Show(actual) + "\nmodel: " + Show(state));
            }
        }

        return true.ToProperty();
    }

    /// <summary>
    /// The counter merge, path by path, computed on plain dictionaries; null when it conflicts (a
    /// counter removed on one side and changed on the other).
    /// </summary>
    private static Dictionary<string, long>? MergeModel(Dictionary<string, long> ancestor, Dictionary<string, long> ours, Dictionary<string, long> theirs)
    {
        var merged = new Dictionary<string, long>();
        foreach (var path in ancestor.Keys.Union(ours.Keys).Union(theirs.Keys))
        {
            var (hasO, o) = (ancestor.TryGetValue(path, out var ov), ov);
            var (hasA, a) = (ours.TryGetValue(path, out var av), av);
            var (hasB, b) = (theirs.TryGetValue(path, out var bv), bv);
            if (!hasA && !hasB)
            {
                continue;
            }

            if (hasA != hasB)
            {
                var present = hasA ? a : b;
                if (!hasO)
                {
                    merged[path] = present; // added on one side
                }
                else if (present != o)
                {
                    return null; // removed against changed
                }

                continue; // removed against unchanged
            }

            merged[path] = a + b - o;
        }

        return merged;
    }

    private static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    [Property(MaxTest = 30)]
    public Property Merge_OfCounters_AddsEveryBranchsIncrements(int[] left, int[] right)
    {
        using var repo = MemoryRepository.Create(CounterContents.Instance);
        var root = repo.Main.Set("n", 0);
        repo.CreateBranch("other", root.Hash);
        long sum = 0;
        foreach (var (values, branch) in new[] { (left, "main"), (right, "other") })
        {
            foreach (var v in values ?? [])
            {
                var delta = (v & 0xff) + 1;
                sum += delta;
                repo.Branch(branch).Transact(tx => tx.Set("n", tx.Get("n") + delta));
            }
        }

        repo.Main.Merge(repo.Branch("other"));
        return (repo.Main.Get("n") == sum).Label($"expected {sum}, got {repo.Main.Get("n")}");
    }

    private static Dictionary<string, long> Flatten(StoreHandle<long> handle) =>
        handle.Tree.EnumerateContents().ToDictionary(e => e.Key.ToString(), e => handle.Repository.Decode(e.Value.Value));

    private static bool SameMap(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static string Show(Dictionary<string, long> map) =>
        string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
