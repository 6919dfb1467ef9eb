namespace IrminSharp.Backends.Block;

/// <summary>
/// A recording device's position at one moment, read atomically: how many writes had been issued
/// and how many flushes had completed. Taken when an operation returns to its caller (its
/// acknowledgement), it says which crash images must hold the operation: every image whose
/// <see cref="CrashPoint"/> <see cref="CrashPoint.Covers">covers</see> the mark.
/// </summary>
/// <param name="Writes">The writes issued so far.</param>
/// <param name="Flushes">The flushes completed so far.</param>
public readonly record struct DeviceMark(int Writes, int Flushes);
