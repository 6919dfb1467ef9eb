namespace IrminSharp.Store.Tests;

/// <summary>
/// One step of a <see cref="ReplicaScript"/>: a replica edits a path, or a replica pulls (merges)
/// another replica's head.
/// </summary>
/// <param name="IsPull">Whether the step is a pull; otherwise it is an edit.</param>
/// <param name="Replica">The replica that edits or pulls.</param>
/// <param name="Other">For an edit, the index of the path; for a pull, the replica pulled from.</param>
/// <param name="Param">For an edit, what the content type's edit makes of it (0–63).</param>
public readonly record struct ReplicaStep(bool IsPull, int Replica, int Other, int Param)
{
    /// <summary>The number of step codes: 3 kinds (two of them edits) × 4 replicas × 4 targets × 64 parameters.</summary>
    public const int Codes = 3 * 4 * 4 * 64;

    /// <summary>The step that <paramref name="code"/> (in [0, <see cref="Codes"/>)) names among <paramref name="replicas"/> replicas and <paramref name="paths"/> paths.</summary>
    public static ReplicaStep Decode(int code, int replicas, int paths)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(code);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(paths, 1);
        var replica = code / 3 % 4 % replicas;
        var other = code / 12 % 4;
        if (code % 3 == 2)
        {
            var from = other % replicas;
            return new ReplicaStep(true, replica, from == replica ? (replica + 1) % replicas : from, 0);
        }

        return new ReplicaStep(false, replica, other % paths, code / 48 % 64);
    }
}
