namespace IrminSharp.Backends.Pack;

/// <summary>The kinds of record in a pack's log.</summary>
internal enum RecordKind : byte
{
    /// <summary>A zero byte where a record would start: the rest of this sector is padding.</summary>
    SectorPadding = 0,

    /// <summary>An encoded object, named by its hash.</summary>
    Object = 1,

    /// <summary>The whole refs table.</summary>
    Refs = 2,

    /// <summary>An index checkpoint: a segment of entries sorted by hash, or the directory of a checkpoint's segments.</summary>
    Checkpoint = 3,

    /// <summary>Padding up to the end of the ring, so that no batch wraps.</summary>
    WrapPadding = 4,

    /// <summary>The refs that changed since the previous refs record, which it names (a journal entry).</summary>
    RefsJournal = 5,
}
