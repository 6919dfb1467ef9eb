using System.Collections.Immutable;
using System.Text.Json.Nodes;
using IrminSharp.Merge;

namespace IrminSharp.Store.Tests;

/// <summary>
/// The content types whose merges <see cref="ConvergenceTests"/> checks, each with the edits a
/// replica makes. Values come from small domains (three elements, three strings, clocks 0–7), so
/// that concurrent edits of one element are common and a value often comes back to an earlier one.
/// </summary>
public static class ConvergenceSubjects
{
    private static readonly string[] Elements = ["x", "y", "z"];

    /// <summary>The multiset content type used here.</summary>
    public static MultisetContents<string> MultisetType { get; } = new(StringContents.Instance, StringComparer.Ordinal);

    /// <summary>The set content type used here.</summary>
    public static SetContents<string> SetType { get; } = new(StringContents.Instance, StringComparer.Ordinal);

    /// <summary>The append-only log content type used here.</summary>
    public static AppendOnlyLogContents<string> LogType { get; } = new(StringContents.Instance);

    /// <summary>The add-wins set content type used here.</summary>
    public static ObservedRemoveSetContents<string> OrSetType { get; } = new(StringContents.Instance);

    /// <summary>The last-writer-wins register content type used here.</summary>
    public static LwwRegisterContents<string> LwwType { get; } = new(StringContents.Instance);

    /// <summary>Counters: add −3 … +3, set 0 … 7, or remove; a replica may create a removed counter again.</summary>
    public static ConvergenceSubject<long> Counter { get; } = new()
    {
        Name = "counter",
        ContentType = CounterContents.Instance,
        Sample = n => 5 + n,
        Edit = (current, _, param, _) => (param % 8) switch
        {
            < 5 => Option<long>.Some(current.GetValueOrDefault(0) + (param / 8 % 7) - 3),
            < 7 => Option<long>.Some(param / 8),
            _ => Option<long>.None,
        },
    };

    /// <summary>Counters as <see cref="Counter"/>, but a replica never edits a counter that is absent on it.</summary>
    public static ConvergenceSubject<long> CounterNotRecreated { get; } = Counter with
    {
        Name = "counter (removed counters not re-created)",
        Removal = PathRemoval.NotRecreated,
    };

    /// <summary>
    /// Multisets of x, y, z: add one, remove one when there is one, take one away whatever the
    /// count (counts may go below zero), or remove the multiset; a replica may create a removed
    /// multiset again.
    /// </summary>
    public static ConvergenceSubject<ImmutableSortedDictionary<string, long>> Multiset { get; } = new()
    {
        Name = "multiset",
        ContentType = MultisetType,
        Sample = n => MultisetType.Empty.Add(Elements[n % 3], 1 + (n / 3)),
        Edit = (current, _, param, _) =>
        {
            var bag = current.GetValueOrDefault(MultisetType.Empty);
            var element = Elements[param / 8 % 3];
            var count = bag.GetValueOrDefault(element);
            return (param % 8) switch
            {
                < 3 => Option<ImmutableSortedDictionary<string, long>>.Some(WithCount(bag, element, count + 1)),
                < 5 => Option<ImmutableSortedDictionary<string, long>>.Some(count > 0 ? WithCount(bag, element, count - 1) : bag),
                < 7 => Option<ImmutableSortedDictionary<string, long>>.Some(WithCount(bag, element, count - 1)),
                _ => Option<ImmutableSortedDictionary<string, long>>.None,
            };
        },
    };

    /// <summary>Multisets as <see cref="Multiset"/>, but a replica never edits a multiset that is absent on it.</summary>
    public static ConvergenceSubject<ImmutableSortedDictionary<string, long>> MultisetNotRecreated { get; } = Multiset with
    {
        Name = "multiset (removed multisets not re-created)",
        Removal = PathRemoval.NotRecreated,
    };

    /// <summary>Append-only logs: append e0, e1 or e2; never removed, so no merge may conflict.</summary>
    public static ConvergenceSubject<AppendOnlyLog<string>> Log { get; } = new()
    {
        Name = "append-only log",
        ContentType = LogType,
        Sample = n => AppendOnlyLog<string>.Of(["b" + n]),
        Edit = (current, _, param, _) => Option<AppendOnlyLog<string>>.Some(current.GetValueOrDefault(AppendOnlyLog<string>.Empty).Append("e" + (param % 3))),
        Removal = PathRemoval.Never,
        Entries = log => log.Count,
        NeverConflicts = true,
    };

    /// <summary>Sets of x, y, z: add, remove, or remove the set (sets never conflict).</summary>
    public static ConvergenceSubject<ImmutableSortedSet<string>> Set { get; } = new()
    {
        Name = "set",
        ContentType = SetType,
        Sample = n => SetType.Empty.Add(Elements[n % 3]),
        Edit = (current, _, param, _) =>
        {
            var set = current.GetValueOrDefault(SetType.Empty);
            var element = Elements[param / 8 % 3];
            return (param % 8) switch
            {
                < 4 => Option<ImmutableSortedSet<string>>.Some(set.Add(element)),
                < 7 => Option<ImmutableSortedSet<string>>.Some(set.Remove(element)),
                _ => Option<ImmutableSortedSet<string>>.None,
            };
        },
        NeverConflicts = true,
    };

    /// <summary>
    /// Add-wins sets of x and y (two elements, so that one replica often adds an element again
    /// after a remove): add (with the replica's id) or remove. The set itself is never removed:
    /// removing it forgets its version vector, which its documentation rules out.
    /// </summary>
    public static ConvergenceSubject<ObservedRemoveSet<string>> OrSet { get; } = new()
    {
        Name = "add-wins set",
        ContentType = OrSetType,
        Sample = n => OrSetType.Empty.Add(Elements[n % 3], "base"),
        Edit = (current, replica, param, _) =>
        {
            var set = current.GetValueOrDefault(OrSetType.Empty);
            var element = Elements[param / 2 % 2];
            return Option<ObservedRemoveSet<string>>.Some(param % 2 == 0 ? set.Add(element, replica) : set.Remove(element));
        },
        Removal = PathRemoval.Never,
        NeverConflicts = true,
    };

    /// <summary>
    /// Last-writer-wins registers: write v0, v1 or v2 through <see cref="LwwRegister{T}.Write"/>
    /// with a clock drawn from 0–7 at each write (so often behind); never removed.
    /// </summary>
    public static ConvergenceSubject<LwwRegister<string>> Lww { get; } = new()
    {
        Name = "lww register",
        ContentType = LwwType,
        Sample = n => new LwwRegister<string>("v" + n, 1, "base"),
        Edit = (current, replica, param, _) =>
        {
            if (param % 8 == 7)
            {
                return Option<LwwRegister<string>>.None;
            }

            var value = "v" + (param % 8 % 3);
            var clock = param / 8;
            return Option<LwwRegister<string>>.Some(current.HasValue
                ? current.Value.Write(value, clock, replica)
                : new LwwRegister<string>(value, clock, replica));
        },
        Removal = PathRemoval.Never,
    };

    /// <summary>
    /// Registers as <see cref="Lww"/>, also removed (one edit in four); a removed register is created again stamped
    /// 8 + the step number, later than every stamp issued before, as if the writer's clock had
    /// seen the value removed.
    /// </summary>
    public static ConvergenceSubject<LwwRegister<string>> LwwWithRemovals { get; } = Lww with
    {
        Name = "lww register (with removals)",
        Removal = PathRemoval.Recreated,
        Edit = (current, replica, param, step) =>
            param % 4 == 3 ? Option<LwwRegister<string>>.None
            : current.HasValue ? Lww.Edit(current, replica, param, step)
            : Option<LwwRegister<string>>.Some(new LwwRegister<string>("v" + (param % 8 % 3), 8 + step, replica)),
    };

    /// <summary>Strings: set s0, s1 or s2, or remove.</summary>
    public static ConvergenceSubject<string> String { get; } = new()
    {
        Name = "string",
        ContentType = StringContents.Instance,
        Sample = n => "s" + n,
        Edit = (_, _, param, _) => param % 8 == 7 ? Option<string>.None : Option<string>.Some("s" + (param % 3)),
    };

    /// <summary>Strings where every write is a value never written before (replica and step), or a removal.</summary>
    public static ConvergenceSubject<string> FreshString { get; } = new()
    {
        Name = "string (fresh values)",
        ContentType = StringContents.Instance,
        Sample = n => "s" + n,
        Edit = (_, replica, param, step) => param % 8 == 7 ? Option<string>.None : Option<string>.Some(replica + "." + step),
    };

    /// <summary>Bytes: set [0], [1] or [2], or remove.</summary>
    public static ConvergenceSubject<byte[]> Bytes { get; } = new()
    {
        Name = "bytes",
        ContentType = BytesContents.Instance,
        Sample = n => [(byte)n, (byte)n],
        Edit = (_, _, param, _) => param % 8 == 7 ? Option<byte[]>.None : Option<byte[]>.Some([(byte)(param % 3)]),
    };

    /// <summary>JSON objects with keys k0, k1, k2: set a key to 0, 1 or 2, remove a key, or remove the document.</summary>
    public static ConvergenceSubject<JsonNode?> Json { get; } = new()
    {
        Name = "json",
        ContentType = JsonContents.Instance,
        Sample = n => new JsonObject { ["k" + (n % 3)] = n },
        Edit = (current, _, param, _) =>
        {
            if (param % 8 == 7)
            {
                return Option<JsonNode?>.None;
            }

            var document = current.HasValue && current.Value is JsonObject found ? (JsonObject)found.DeepClone() : new JsonObject();
            var key = "k" + (param % 3);
            if (param % 8 == 6)
            {
                document.Remove(key);
            }
            else
            {
                document[key] = param / 8 % 3;
            }

            return Option<JsonNode?>.Some(document);
        },
    };

    /// <summary>The list content type used here.</summary>
    public static ListContents<string> ListType { get; } = new(StringContents.Instance);

    /// <summary>Lists of x, y, z: insert an element (often at the end, as replicas append), replace or delete one, or remove the list.</summary>
    public static ConvergenceSubject<ImmutableList<string>> List { get; } = new()
    {
        Name = "list",
        ContentType = ListType,
        Sample = n => [Elements[n % 3], "x"],
        Edit = (current, _, param, _) =>
        {
            if (param % 8 == 7)
            {
                return Option<ImmutableList<string>>.None;
            }

            var list = current.GetValueOrDefault([]);
            var element = Elements[param / 8 % 3];
            var at = list.Count == 0 ? 0 : param % list.Count;
            return Option<ImmutableList<string>>.Some((param % 8) switch
            {
                0 or 1 or 2 => list.Add(element),
                3 => list.Insert(at, element),
                4 when list.Count > 0 => list.SetItem(at, element),
                5 when list.Count > 0 => list.RemoveAt(at),
                _ => list.Add(element),
            });
        },
    };

    /// <summary>Line-based text of lines L0, L1, L2: replace a line, delete or insert one, or remove the text.</summary>
    public static ConvergenceSubject<string> Lines { get; } = new()
    {
        Name = "lines",
        ContentType = LinesContents.Instance,
        Sample = n => $"L{n % 3}\nL0\nL1\n",
        Edit = (current, _, param, _) =>
        {
            if (param % 8 == 7)
            {
                return Option<string>.None;
            }

            var lines = current.GetValueOrDefault(string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            var at = param % 3;
            var text = "L" + (param / 8 % 3);
            if (lines.Count == 0 || param % 8 == 6)
            {
                lines.Insert(Math.Min(at, lines.Count), text);
            }
            else if (param % 8 == 5 && lines.Count > 1)
            {
                lines.RemoveAt(at % lines.Count);
            }
            else
            {
                lines[at % lines.Count] = text;
            }

            return Option<string>.Some(string.Concat(lines.Select(line => line + "\n")));
        },
    };

    private static ImmutableSortedDictionary<string, long> WithCount(ImmutableSortedDictionary<string, long> bag, string element, long count) =>
        count == 0 ? bag.Remove(element) : bag.SetItem(element, count);
}
