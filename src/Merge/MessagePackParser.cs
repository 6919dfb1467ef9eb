using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace IrminSharp.Merge;

/// <summary>Reads one value from a MessagePack reader; false when the bytes are not such a value.</summary>
/// <typeparam name="T">The type of the value.</typeparam>
internal delegate bool MessagePackParser<T>(ref MessagePackReader reader, [MaybeNullWhen(false)] out T value);
