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

    /// <summary>
    /// A write that replaces this value: stamped <paramref name="now"/>, or this value's timestamp
    /// + 1 when the clock is behind it, so that the new value is later than the one it replaced
    /// (a hybrid logical clock). Writing through this keeps last-writer-wins merges independent
    /// of the order replicas merge in.
    /// </summary>
    /// <param name="value">The new value.</param>
    /// <param name="now">The writer's clock.</param>
    /// <param name="writer">Who writes it.</param>
    /// <exception cref="OverflowException">This value's timestamp is <see cref="long.MaxValue"/> and the clock is not ahead.</exception>
    public LwwRegister<T> Write(T value, long now, string writer) =>
        new(value, now > Timestamp ? now : checked(Timestamp + 1), writer);
}
