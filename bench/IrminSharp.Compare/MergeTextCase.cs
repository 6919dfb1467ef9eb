namespace IrminSharp.Compare;

/// <summary>
/// One input of the <c>merge-text</c> scenario: a base text and two edits of it, every line ending
/// in '\n'. <paramref name="MustMatchPeer"/>: whether IrminSharp's outcome must be git's (the same
/// bytes when git merges cleanly, a conflict when git conflicts), else the run fails; when false
/// both outcomes are only reported.
/// </summary>
internal sealed record MergeTextCase(string Name, string Description, string Base, string Ours, string Theirs, bool MustMatchPeer)
{
    /// <summary>Lines of the base text.</summary>
    public int BaseLines => Lines(Base);

    /// <summary>Lines of our side.</summary>
    public int OursLines => Lines(Ours);

    /// <summary>Lines of their side.</summary>
    public int TheirsLines => Lines(Theirs);

    private static int Lines(string text) => text.AsSpan().Count('\n');
}
