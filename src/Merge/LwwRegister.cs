namespace IrminSharp.Merge;

/// <summary>A last-writer-wins register: a value with the time it was written and by whom.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">When it was written (for example Unix milliseconds, or a logical clock).</param>
/// <param name="Writer">Who wrote it (a replica id); breaks ties between equal timestamps.</param>
/// <remarks>
/// Equality compares <see cref="Value"/> with <see cref="EqualityComparer{T}.Default"/>, which is
/// by reference for arrays; <see cref="LwwRegisterContents{T}"/> compares values by their encoding.
/// </remarks>
public sealed record LwwRegister<T>(T Value, long Timestamp, string Writer)
{
    /// <summary>Who wrote it (a replica id); breaks ties between equal timestamps.</summary>
    public string Writer { get; init; } = Writer ?? throw new ArgumentNullException(nameof(Writer));
}
