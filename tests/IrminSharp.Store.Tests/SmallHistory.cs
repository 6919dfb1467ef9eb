using System.Collections.Immutable;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;

namespace IrminSharp.Store.Tests;

/// <summary>
/// Commits built by hand in an in-memory repository, each dated one tick after the last, and
/// the outcome at a path when an observer starting at one head merges the others in an order.
/// </summary>
/// <typeparam name="T">The type of the values.</typeparam>
public sealed class SmallHistory<T> : IDisposable
{
    private long time;

    /// <summary>An empty repository of <paramref name="type"/> values.</summary>
    public SmallHistory(IContentType<T> type) =>
        Repository = MemoryRepository.Create(type, new RepositoryOptions { Clock = FixedClock.Epoch });

    /// <summary>The repository.</summary>
    public Repository<T> Repository { get; }

    /// <summary>A root commit holding <paramref name="values"/>.</summary>
    public Hash Root(params (string Path, T Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tree = values.Aggregate(Tree.Empty, (t, v) => t.Add(v.Path, Repository.Encode(v.Value)));
        return Repository.Commit(tree, [], Info("root")).Hash;
    }

    /// <summary>A child of <paramref name="parent"/> where <paramref name="path"/> holds <paramref name="value"/> (none: removed).</summary>
    public Hash Child(Hash parent, string path, Option<T> value)
    {
        var tree = Repository.TreeOf(Repository.GetCommit(parent));
        tree = value.HasValue ? tree.Add(path, Repository.Encode(value.Value)) : tree.Remove(path);
        return Repository.Commit(tree, [parent], Info("edit " + path)).Hash;
    }

    /// <summary>A child of <paramref name="parent"/> where <paramref name="path"/> holds <paramref name="value"/>.</summary>
    public Hash Child(Hash parent, string path, T value) => Child(parent, path, Option<T>.Some(value));

    /// <summary>The merge of <paramref name="theirs"/> into <paramref name="ours"/>, which must not conflict.</summary>
    public Hash Merge(Hash ours, Hash theirs)
    {
        var merged = Repository.MergeCommits(ours, theirs, Info("merge"));
        return merged.TryGetValue(out var commit)
            ? commit.Hash
            : throw new InvalidOperationException("The merge conflicted: " + string.Join("; ", merged.Conflicts));
    }

    /// <summary>The value at <paramref name="path"/> in commit <paramref name="commit"/>, which must be there.</summary>
    public T Get(Hash commit, string path) =>
        Repository.TreeOf(Repository.GetCommit(commit)).TryGetValue(path, out var bytes)
            ? Repository.Decode(bytes)
            : throw new InvalidOperationException($"Nothing at {path}.");

    /// <summary>
    /// What an observer starting at <c>order[0]</c> that merges the other heads of
    /// <paramref name="order"/> in turn holds at <paramref name="path"/>: "conflict", "absent",
    /// or the value's rendering and canonical encoding (hex).
    /// </summary>
    public string Outcome(string path, params Hash[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var current = order[0];
        foreach (var next in order.Skip(1))
        {
            var merged = Repository.MergeCommits(current, next, Info("observe"));
            if (!merged.TryGetValue(out var commit))
            {
                return "conflict";
            }

            current = commit.Hash;
        }

        if (!Repository.TreeOf(Repository.GetCommit(current)).TryGetValue(path, out var bytes))
        {
            return "absent";
        }

        var value = Repository.Decode(bytes);
        return $"{Repository.ContentType.Format(value)} [{Convert.ToHexString(Repository.Encode(value))}]";
    }

    /// <summary>The <see cref="Outcome"/> of every order of <paramref name="heads"/>, each order starting at its first head.</summary>
    public IReadOnlyList<string> EveryOrder(string path, params Hash[] heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        return [.. Permutations([.. heads]).Select(order => Outcome(path, [.. order]))];
    }

    /// <inheritdoc/>
    public void Dispose() => Repository.Dispose();

    private static IEnumerable<ImmutableList<Hash>> Permutations(ImmutableList<Hash> items) =>
        items.Count <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations(items.RemoveAt(i)).Select(rest => rest.Insert(0, item)));

    private CommitInfo Info(string message) => new("t", message, ++time);
}
