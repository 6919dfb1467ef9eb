namespace IrminSharp.Merge;

/// <summary>
/// One conflicting place in a merge: where it is, why it conflicts, and what each side held.
/// </summary>
/// <param name="Path">
/// Where the conflict is, steps joined by '/'; empty for the value itself. A value's merge builds
/// it with <see cref="Under"/>, which escapes each step as JSON Pointer does (RFC 6901: '~' as
/// <c>~0</c>, '/' as <c>~1</c>), so a JSON key <c>"a/b"</c> reads <c>a~1b</c> and never
/// <c>a → b</c>. A store's merge puts the tree path here and the path inside the value in
/// <see cref="ValuePath"/>.
/// </param>
/// <param name="Reason">Why the two sides cannot be merged.</param>
/// <param name="Base">The ancestor's version (a short rendering of the value), when known.</param>
/// <param name="Ours">Our version, when known.</param>
/// <param name="Theirs">Their version, when known.</param>
public sealed record Conflict(string Path, string Reason, string? Base = null, string? Ours = null, string? Theirs = null)
{
    /// <summary>
    /// Inside a stored value, the path of the conflict within it (escaped steps, as
    /// <see cref="Path"/> is in a value's merge); empty when the whole value conflicts or the
    /// conflict is not in a value.
    /// </summary>
    public string ValuePath { get; init; } = string.Empty;

    /// <summary>The stored objects of the three versions (such as <c>contents &lt;hash&gt;</c>), when the conflict is in a store.</summary>
    public ConflictObjects? Objects { get; init; }

    /// <summary>The same conflict one level deeper, under <paramref name="step"/> (escaped).</summary>
    public Conflict Under(string step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var escaped = Escape(step);
        return this with { Path = Path.Length == 0 ? escaped : escaped + "/" + Path };
    }

    /// <summary>A path step escaped as in JSON Pointer: '~' becomes <c>~0</c> and '/' becomes <c>~1</c>.</summary>
    public static string Escape(string step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Contains('~', StringComparison.Ordinal) || step.Contains('/', StringComparison.Ordinal)
            ? step.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : step;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Path.Length == 0 ? "/" : "/" + Path;
        return ValuePath.Length == 0 ? $"{where}: {Reason}" : $"{where} at {ValuePath}: {Reason}";
    }
}
