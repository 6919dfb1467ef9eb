namespace IrminSharp.Compare;

/// <summary>A store that commits locally and pushes its main branch to a peer on loopback (the sync scenario).</summary>
internal interface IPushWorkload : IAsyncDisposable
{
    /// <summary>The store's name in the table and in messages.</summary>
    string Name { get; }

    /// <summary>Commits every entry of <paramref name="layout"/> at version 0 and pushes that commit (untimed setup).</summary>
    Task PopulateAsync(Layout layout);

    /// <summary>Commits <paramref name="value"/> at <paramref name="path"/> on main, locally.</summary>
    void Commit(string path, string value);

    /// <summary>
    /// Copies the peer's whole store into a new, empty one (a clone), timed: its wall time and bytes
    /// on the wire; checks the copy's main is the peer's, and throws <see cref="VerificationException"/> otherwise.
    /// </summary>
    Task<PushRound> CloneAsync();

    /// <summary>Pushes main to the peer, timed: the push's wall time and its bytes on the wire.</summary>
    Task<PushRound> PushAsync();

    /// <summary>
    /// Checks that the peer's main is the local main and that it holds each path's value in
    /// <paramref name="expected"/>; throws <see cref="VerificationException"/> otherwise.
    /// </summary>
    void Verify(IReadOnlyDictionary<string, string> expected);
}
