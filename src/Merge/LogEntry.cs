namespace IrminSharp.Merge;

/// <summary>One entry of an <see cref="AppendOnlyLog{T}"/>: its value and its Lamport stamp.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <param name="Stamp">
/// 1 + the highest stamp the log held when the entry was appended: an entry's stamp is greater
/// than the stamp of every entry its writer had seen.
/// </param>
/// <param name="Value">The value appended.</param>
public readonly record struct LogEntry<T>(long Stamp, T Value);
