namespace IrminSharp.Merge;

/// <summary>
/// The common ancestor of a three-way merge, computed at most once and only when a merge asks
/// for it. It may be absent (the value did not exist), and computing it may itself conflict
/// (when several ancestors had to be merged first).
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class Ancestor<T>
{
    private readonly Lazy<MergeResult<Option<T>>> value;

    private Ancestor(Lazy<MergeResult<Option<T>>> value) => this.value = value;

    /// <summary>No ancestor: the value was absent.</summary>
    public static Ancestor<T> None { get; } = new(new Lazy<MergeResult<Option<T>>>(MergeResult<Option<T>>.Ok(Option<T>.None)));

    /// <summary>A known ancestor.</summary>
    public static Ancestor<T> Of(T value) => new(new Lazy<MergeResult<Option<T>>>(MergeResult<Option<T>>.Ok(Option<T>.Some(value))));

    /// <summary>A known ancestor that may be absent.</summary>
    public static Ancestor<T> Of(Option<T> value) => new(new Lazy<MergeResult<Option<T>>>(MergeResult<Option<T>>.Ok(value)));

    /// <summary>An ancestor computed on first use.</summary>
    public static Ancestor<T> Lazy(Func<MergeResult<Option<T>>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return new(new Lazy<MergeResult<Option<T>>>(compute, LazyThreadSafetyMode.ExecutionAndPublication));
    }

    /// <summary>Computes (once) and returns the ancestor.</summary>
    public MergeResult<Option<T>> Get() => value.Value;

    /// <summary>An ancestor of another type, converted lazily.</summary>
    public Ancestor<TResult> Select<TResult>(Func<T, TResult> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Ancestor<TResult>.Lazy(() => Get().Select(o => o.Select(map)));
    }

    /// <summary>An ancestor whose absence is expressed as <see cref="Option{T}.None"/>.</summary>
    public Ancestor<Option<T>> AsOption() =>
        Ancestor<Option<T>>.Lazy(() => Get().Select(o => Option<Option<T>>.Some(o)));
}
