using IrminSharp.Merge;

namespace IrminSharp.Merge.Tests;

/// <summary>Helpers to run merges in property tests.</summary>
internal static class Laws
{
    public static MergeResult<T> Run<T>(MergeFunction<T> merge, T ancestor, T ours, T theirs) =>
        merge(Ancestor<T>.Of(ancestor), ours, theirs);

    public static MergeResult<T> RunWithout<T>(MergeFunction<T> merge, T ours, T theirs) =>
        merge(Ancestor<T>.None, ours, theirs);

    public static bool Yields<T>(MergeResult<T> result, T expected, IEqualityComparer<T>? comparer = null) =>
        result.IsOk && (comparer ?? EqualityComparer<T>.Default).Equals(result.Value, expected);
}
