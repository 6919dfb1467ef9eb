namespace IrminSharp.Merge.Tests;

/// <summary>A 64-bit integer drawn from the whole range (see <see cref="WideIntegers"/>).</summary>
public readonly record struct WideLong(long Value);
