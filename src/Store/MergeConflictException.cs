using System.Collections.Immutable;
using IrminSharp.Merge;

namespace IrminSharp.Store;

/// <summary>A merge found conflicts; every conflicting path is listed.</summary>
public sealed class MergeConflictException : IrminException
{
    /// <summary>Creates the exception.</summary>
    public MergeConflictException(ImmutableArray<Conflict> conflicts)
        : base(Describe(conflicts))
    {
        Conflicts = conflicts;
    }

    /// <summary>Every conflict found.</summary>
    public ImmutableArray<Conflict> Conflicts { get; }

    private static string Describe(ImmutableArray<Conflict> conflicts) =>
        conflicts.Length == 1
            ? "merge conflict at " + conflicts[0]
            : $"merge conflicts at {conflicts.Length} paths: " + string.Join("; ", conflicts.Take(10)) + (conflicts.Length > 10 ? "; …" : string.Empty);
}
