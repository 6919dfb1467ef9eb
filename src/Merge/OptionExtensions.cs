namespace IrminSharp.Merge;

/// <summary>Factories for <see cref="Option{T}"/> that infer the type.</summary>
public static class OptionExtensions
{
    /// <summary>A present value.</summary>
    public static Option<T> ToOption<T>(this T value) => Option<T>.Some(value);
}
