namespace IrminSharp.Merge;

/// <summary>
/// One conflicting place in a merge: where it is, why it conflicts, and what each side held.
/// </summary>
/// <param name="Path">The path of the conflict, steps joined by '/'; empty for the value itself.</param>
/// <param name="Reason">Why the two sides cannot be merged.</param>
/// <param name="Base">The ancestor's version (a hash or a short rendering), when known.</param>
/// <param name="Ours">Our version, when known.</param>
/// <param name="Theirs">Their version, when known.</param>
public sealed record Conflict(string Path, string Reason, string? Base = null, string? Ours = null, string? Theirs = null)
{
    /// <summary>The same conflict one level deeper, under <paramref name="step"/>.</summary>
    public Conflict Under(string step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return this with { Path = Path.Length == 0 ? step : step + "/" + Path };
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Path.Length == 0 ? "/" : "/" + Path;
        return $"{where}: {Reason}";
    }
}
