using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// One object of an objects message: whole (<see cref="Base"/> null, <see cref="Bytes"/> the
/// object), or a delta: the first <see cref="Prefix"/> bytes of the base object, then
/// <see cref="Bytes"/>, then the last <see cref="Suffix"/> bytes of the base.
/// </summary>
internal readonly record struct ObjectEntry(ReadOnlyMemory<byte> Bytes, Hash? Base, int Prefix, int Suffix);
